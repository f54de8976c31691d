import express, { type Request, type Response } from 'express';
import type { Controller } from '../controller';
import type { Post } from './post.interface';

export class PostsController implements Controller {
  public path = '/posts';
  public router = express.Router();
  private posts: Post[] = [{ id: 1, author: 'Marcin', title: 'Hello world' }];
  private nextId = 2;

  constructor() {
    this.initializeRoutes();
  }

  private initializeRoutes() {
    this.router.get(this.path, this.getAllPosts);
    this.router.get(`${this.path}/:id`, this.getPostById);
    this.router.post(this.path, this.createPost);
  }

  getAllPosts = (req: Request, res: Response) => {
    res.json(this.posts);
  };

  getPostById = (req: Request, res: Response) => {
    const post = this.posts.find((p) => p.id === Number(req.params.id));
    if (!post) {
      res.status(404).json({ error: 'post not found' });
      return;
    }
    res.json(post);
  };

  createPost = (req: Request, res: Response) => {
    const post: Post = {
      id: this.nextId++,
      author: String(req.body.author ?? 'anonymous'),
      title: String(req.body.title ?? ''),
    };
    this.posts.push(post);
    res.status(201).json(post);
  };
}
