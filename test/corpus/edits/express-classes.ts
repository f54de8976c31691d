import type { CorpusApp } from '../lib/types';

const notFound = "res.status(404).json({ error: 'post not found' });";
const brokenNotFound = "res.status(404).json({ error: 'post not found' };";

/**
 * The class-based TypeScript layout of many Express tutorials: an App class wiring middleware
 * and controllers in its constructor, controllers registering routes in theirs
 * (`this.router.get(this.path, this.getAllPosts)`), handlers as arrow-function class fields,
 * data in a controller's field.
 */
export const expressClasses: CorpusApp = {
  dir: 'express-classes',
  entries: [
    { name: 'express-classes-tsc', kind: 'tsc', main: ['dist/main.js'] },
    { name: 'express-classes-tsx', kind: 'tsx', main: ['src/main.ts'] },
  ],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/posts', body: { author: 'corpus', title: 'kept-{n}' } }],
    probes: [{ path: '/posts', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'handler as an arrow class field',
      file: 'src/posts/posts.controller.ts',
      replace: [['res.json(this.posts);', 'res.json({ count: this.posts.length, posts: this.posts });']],
      live: [{ path: '/posts', includes: ['"count":'] }],
    },
    {
      name: 'middleware function in its own module',
      file: 'src/middleware/request-logger.ts',
      replace: [["res.setHeader('X-Served', String(served));", "res.setHeader('X-Served', `#${served}`);"]],
      live: [{ path: '/health', header: ['x-served', '#'] }],
    },
    {
      name: 'inline handler in a setup method (App.initializeMiddlewares)',
      file: 'src/app.ts',
      replace: [['res.json({ ok: true });', 'res.json({ ok: true, pid: process.pid });']],
      live: [{ path: '/health', includes: ['"pid":'] }],
    },
    {
      name: 'new route in initializeRoutes (ran in the constructor)',
      file: 'src/posts/posts.controller.ts',
      replace: [
        [
          '    this.router.post(this.path, this.createPost);\n',
          '    this.router.post(this.path, this.createPost);\n    this.router.get(`${this.path}-count`, (req, res) => {\n      res.json({ total: this.posts.length });\n    });\n',
        ],
      ],
      live: [{ path: '/posts-count', includes: ['"total":'] }],
    },
    {
      name: 'a route taken out of initializeRoutes',
      file: 'src/posts/posts.controller.ts',
      replace: [
        [
          '    this.router.get(`${this.path}-count`, (req, res) => {\n      res.json({ total: this.posts.length });\n    });\n',
          '',
        ],
      ],
      live: [{ path: '/posts-count', status: 404, includes: ['Cannot GET /posts-count'] }],
    },
    {
      name: 'interface: Post gains a field (a migration)',
      file: 'src/posts/post.interface.ts',
      replace: [['  title: string;\n}', '  title: string;\n  likes: number;\n}']],
      also: [
        {
          file: 'src/posts/posts.controller.ts',
          replace: [
            [
              "{ id: 1, author: 'Marcin', title: 'Hello world' }",
              "{ id: 1, author: 'Marcin', title: 'Hello world', likes: 0 }",
            ],
            ["title: String(req.body.title ?? ''),\n", "title: String(req.body.title ?? ''),\n      likes: 0,\n"],
          ],
        },
      ],
      migration: true,
      live: [{ method: 'POST', path: '/posts', body: { title: 'probe-{n}' }, status: 201, includes: ['"likes":0'] }],
    },
    {
      name: 'syntax error',
      file: 'src/posts/posts.controller.ts',
      syntaxError: true,
      replace: [[notFound, brokenNotFound]],
      unchanged: ['/posts/1'],
    },
    {
      name: 'syntax error fixed',
      file: 'src/posts/posts.controller.ts',
      replace: [[brokenNotFound, notFound.replace('post not found', 'no such post')]],
      live: [{ path: '/posts/999999', status: 404, includes: ['no such post'] }],
    },
  ],
};
