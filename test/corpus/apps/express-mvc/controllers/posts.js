const Post = require('../models/post');

const PER_PAGE = 10;

exports.index = (req, res) => {
  const page = Math.max(1, Number(req.query.page) || 1);
  const start = (page - 1) * PER_PAGE;
  res.json({ page, perPage: PER_PAGE, posts: Post.list().slice(start, start + PER_PAGE) });
};

exports.create = (req, res) => {
  res.status(201).json(Post.add(Number(req.body?.authorId) || 1, String(req.body?.text ?? '')));
};
