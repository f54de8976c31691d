import type { CorpusApp } from '../lib/types';

const fixedOpen = 'const open = todos.filter((todo) => !todo.done).length;';
const brokenOpen = 'const open = todos.filter((todo) => !todo.done.length;';

export const expressInline: CorpusApp = {
  dir: 'express-inline',
  entries: [{ name: 'express-inline', kind: 'cjs', main: ['app.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/todos', body: { title: 'kept-{n}' } }],
    probes: [{ path: '/todos', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'handler body (inline, entry file)',
      file: 'app.js',
      replace: [
        [
          "res.type('text').send(`Todo list: ${todos.length} items, ${open} open`);",
          "res.type('text').send(`You have ${open} open todos out of ${todos.length}`);",
        ],
      ],
      live: [{ path: '/', includes: ['open todos out of'] }],
    },
    {
      name: 'helper function',
      file: 'app.js',
      replace: [
        [
          "return `#${todo.id} ${todo.title}${todo.done ? ' (done)' : ''}`;",
          "return `${todo.done ? '[x]' : '[ ]'} ${todo.title}`;",
        ],
      ],
      live: [
        { method: 'POST', path: '/todos', body: { title: 'probe-{n}' }, status: 201 },
        { path: '/todos', includes: ['"[ ] probe-{n}"'] },
      ],
    },
    {
      name: 'constant',
      file: 'app.js',
      replace: [['const PAGE_SIZE = 20;', 'const PAGE_SIZE = 50;']],
      live: [{ path: '/todos', includes: ['"pageSize":50'] }],
    },
    {
      name: 'new route (entry file)',
      file: 'app.js',
      replace: [
        [
          'app.listen(PORT,',
          "app.get('/todos/stats', (req, res) => {\n  res.json({ total: todos.length, done: todos.filter((t) => t.done).length });\n});\n\napp.listen(PORT,",
        ],
      ],
      live: [{ path: '/todos/stats', includes: ['"total":'] }],
    },
    {
      name: 'new middleware (entry file)',
      file: 'app.js',
      replace: [
        [
          'app.use(express.json());',
          "app.use(express.json());\napp.use((req, res, next) => {\n  res.set('X-Todo-Count', String(todos.length));\n  next();\n});",
        ],
      ],
      live: [{ path: '/todos', header: ['x-todo-count', ''] }],
    },
    {
      name: 'syntax error',
      file: 'app.js',
      syntaxError: true,
      replace: [[fixedOpen, brokenOpen]],
      unchanged: ['/', '/todos', '/todos/stats'],
    },
    {
      name: 'syntax error fixed',
      file: 'app.js',
      replace: [
        [brokenOpen, fixedOpen],
        ['open todos out of ${todos.length}', 'open todos (${todos.length} in all)'],
      ],
      live: [{ path: '/', includes: ['in all)'] }],
    },
  ],
};
