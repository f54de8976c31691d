const User = require('../models/user');

exports.index = (req, res) => {
  res.json({ users: User.all().map(User.displayName) });
};

exports.show = (req, res) => {
  const user = User.get(Number(req.params.id));
  if (!user) return res.status(404).json({ error: 'user not found' });
  res.json(user);
};

exports.create = (req, res) => {
  const name = req.body?.name;
  if (!name) return res.status(400).json({ error: 'name is required' });
  res.status(201).json(User.create(name));
};
