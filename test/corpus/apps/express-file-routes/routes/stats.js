import { Stats } from '../lib/stats.js';

export default (req, res) => res.json(Stats.snapshot());
