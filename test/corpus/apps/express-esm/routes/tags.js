// Tags: a router exported by name, which lib/tag-admin.js adds routes to.
import { Router } from 'express';

export const router = Router();

const tags = new Set(['inbox']);

router.get('/', (req, res) => {
  res.json({ tags: [...tags].sort() });
});

export function addTag(tag) {
  tags.add(String(tag));
  return tags.size;
}
