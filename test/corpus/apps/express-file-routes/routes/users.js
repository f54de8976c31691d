import { Router } from 'express';

const users = [];
const router = Router();

router.get('/', (req, res) => {
  res.json({ count: users.length, users });
});

router.post('/', (req, res) => {
  const user = { id: users.length + 1, name: String(req.body?.name ?? 'anon') };
  users.push(user);
  res.status(201).json(user);
});

export default router;
