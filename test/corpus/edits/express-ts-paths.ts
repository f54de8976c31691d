import type { CorpusApp } from '../lib/types';

const required = "res.status(400).json({ error: 'title is required' });";
const brokenRequired = "res.status(400).json({ error: 'title is required' };";

/**
 * A TypeScript Express API run by tsx whose modules import each other through a tsconfig path
 * alias (`@/services/task-service`), as many starters do; its task type in `src/types/`.
 */
export const expressTsPaths: CorpusApp = {
  dir: 'express-ts-paths',
  entries: [{ name: 'express-ts-paths', kind: 'tsx', main: ['src/server.ts'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/tasks', body: { title: 'kept-{n}' } }],
    probes: [{ path: '/tasks', includes: ['"kept-{n}"'] }],
  },
  edits: [
    {
      name: 'service function (imported through @/)',
      file: 'src/services/task-service.ts',
      replace: [
        ['  return tasks;\n', '  return [...tasks].sort((a, b) => Number(a.done) - Number(b.done) || b.id - a.id);\n'],
      ],
      live: [
        { path: '/tasks', includes: ['"tasks":[{"id":'] },
        { path: '/tasks', excludes: ['"tasks":[{"id":1,'] },
      ],
    },
    {
      name: 'route handler body',
      file: 'src/routes/tasks.ts',
      replace: [['res.json({ tasks: listTasks() });', 'res.json({ count: listTasks().length, tasks: listTasks() });']],
      live: [{ path: '/tasks', includes: ['"count":'] }],
    },
    {
      name: 'middleware (imported through @/)',
      file: 'src/lib/request-timer.ts',
      replace: [["res.setHeader('x-served-by', 'tasks-api');", "res.setHeader('x-served-by', 'tasks-api v2');"]],
      live: [{ path: '/tasks', header: ['x-served-by', 'tasks-api v2'] }],
    },
    {
      name: 'new route',
      file: 'src/routes/tasks.ts',
      replace: [
        [
          "tasksRouter.post('/:id/done',",
          "tasksRouter.get('/open', (_req, res) => {\n  res.json({ open: listTasks().filter((task) => !task.done) });\n});\n\ntasksRouter.post('/:id/done',",
        ],
      ],
      live: [{ path: '/tasks/open', includes: ['"open":[', 'kept-{n}'] }],
    },
    {
      name: 'type file (imported through @/): Task gains a field the service sets (a migration)',
      file: 'src/types/task.ts',
      replace: [['  done: boolean;\n}', '  done: boolean;\n  priority: number;\n}']],
      also: [
        {
          file: 'src/services/task-service.ts',
          replace: [
            [
              "[{ id: 1, title: 'Write the README', done: false }]",
              "[{ id: 1, title: 'Write the README', done: false, priority: 1 }]",
            ],
            [
              'const task: Task = { id: nextId++, title: input.title, done: false };',
              'const task: Task = { id: nextId++, title: input.title, done: false, priority: 2 };',
            ],
          ],
        },
      ],
      migration: true,
      live: [
        { method: 'POST', path: '/tasks', body: { title: 'probe-{n}' }, status: 201, includes: ['"priority":2'] },
        { path: '/tasks', includes: ['"priority":'] },
      ],
    },
    {
      // The service has the codeChange of the migration before, written for the version that
      // ran then: the new running version needs a conversion of its own.
      name: 'Task gains a second field: a second migration in the module that has a codeChange',
      file: 'src/types/task.ts',
      replace: [['  priority: number;\n}', '  priority: number;\n  tags: string[];\n}']],
      also: [
        {
          file: 'src/services/task-service.ts',
          replace: [
            ['done: false, priority: 1 }]', 'done: false, priority: 1, tags: [] }]'],
            ['done: false, priority: 2 };', "done: false, priority: 2, tags: ['new'] };"],
          ],
        },
        {
          // Reads every task's tags: a task the migration left without them answers 500.
          file: 'src/routes/tasks.ts',
          replace: [
            [
              'res.json({ open: listTasks().filter((task) => !task.done) });',
              'res.json({ open: listTasks().filter((task) => !task.done), tags: listTasks().reduce((n, task) => n + task.tags.length, 0) });',
            ],
          ],
        },
      ],
      migration: true,
      live: [
        { method: 'POST', path: '/tasks', body: { title: 'probe-{n}' }, status: 201, includes: ['"tags":["new"]'] },
        { path: '/tasks/open', includes: ['"tags":1', 'kept-{n}'] },
      ],
    },
    {
      name: 'syntax error (route module)',
      file: 'src/routes/tasks.ts',
      syntaxError: true,
      replace: [[required, brokenRequired]],
      unchanged: ['/tasks'],
    },
    {
      name: 'syntax error fixed, with a new message',
      file: 'src/routes/tasks.ts',
      replace: [[brokenRequired, "res.status(400).json({ error: 'a task needs a title' });"]],
      live: [{ method: 'POST', path: '/tasks', body: { title: ' ' }, status: 400, includes: ['a task needs a title'] }],
    },
  ],
};
