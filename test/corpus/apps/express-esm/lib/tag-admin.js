// Routes this module adds to the tags router it imports.
import { router, addTag } from '../routes/tags.js';

router.post('/', (req, res) => {
  res.status(201).json({ count: addTag(req.body?.tag ?? 'untitled') });
});
