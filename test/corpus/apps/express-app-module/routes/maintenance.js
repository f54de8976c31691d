// Routes another module owns, added to the admin router it exports.
const { router } = require('./admin');

let maintenance = false;

router.post('/maintenance', (req, res) => {
  maintenance = Boolean(req.body?.on);
  res.json({ maintenance });
});

router.get('/maintenance', (req, res) => {
  res.json({ maintenance });
});
