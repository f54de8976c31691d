const { present } = require('../lib/present');

class UserController {
  constructor(repo) {
    this.repo = repo;
  }

  show(req, res) {
    const user = this.repo.get(Number(req.params.id));
    if (!user) return res.status(404).json({ error: 'no such user' });
    res.json(present(user));
  }

  create(req, res) {
    const name = String(req.body?.name ?? '').trim();
    if (!name) return res.status(400).json({ error: 'name is required' });
    res.status(201).json(present(this.repo.add(name)));
  }
}

module.exports = { UserController };
