import type { CorpusApp } from '../lib/types';

const created = 'res.status(201).json(userService.create(input));';
const brokenCreated = 'res.status(201).json(userService.create(input);';

/**
 * The Express + TypeScript starter of most tutorials, run by ts-node (`ts-node src/index.ts`, as
 * nodemon runs it): CommonJS as TypeScript compiles it (`__importDefault`, `exports.x = …`), a
 * router holding controller functions by namespace import (`users.listUsers`), the users in the
 * fields of a class singleton exported as `default`, a string enum, an error class the error
 * handler tells by `instanceof`, settings in a default-exported object.
 */
export const expressTsNode: CorpusApp = {
  dir: 'express-ts-node',
  entries: [{ name: 'express-ts-node', kind: 'ts-node', main: ['src/index.ts'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/api/users', body: { name: 'kept-{n}', email: 'kept-{n}@example.com' } }],
    probes: [{ path: '/api/users', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'controller function the router holds by namespace import',
      file: 'src/controllers/users.controller.ts',
      replace: [
        [
          'res.json(userService.findAll().slice(0, config.pageSize));',
          'const all = userService.findAll();\n  res.json({ total: all.length, users: all.slice(0, config.pageSize) });',
        ],
      ],
      live: [{ path: '/api/users', includes: ['"total":'] }],
    },
    {
      name: 'method of the service singleton holding the users',
      file: 'src/services/user.service.ts',
      replace: [['`user ${id} not found`', '`no user with id ${id}`']],
      live: [{ path: '/api/users/999', status: 404, includes: ['no user with id 999'] }],
    },
    {
      name: 'string enum gains a member',
      file: 'src/models/user.ts',
      replace: [["  Member = 'member',\n", "  Member = 'member',\n  Guest = 'guest',\n"]],
      live: [
        {
          method: 'POST',
          path: '/api/users',
          body: { name: 'guest-{n}', email: 'guest-{n}@example.com', role: 'guest' },
          status: 201,
          includes: ['"role":"guest"'],
        },
      ],
    },
    {
      name: 'middleware in its own module (its count kept)',
      file: 'src/middleware/request-counter.ts',
      replace: [
        ["res.setHeader('X-Requests-Served', String(served));", "res.setHeader('X-Requests-Served', `#${served}`);"],
      ],
      live: [{ path: '/health', header: ['x-requests-served', '#'] }],
    },
    {
      name: 'new controller function and its route',
      file: 'src/controllers/users.controller.ts',
      replace: [
        [
          'export async function createUser(',
          'export async function userSummary(req: Request, res: Response, next: NextFunction) {\n  try {\n    const user = userService.findById(Number(req.params.id));\n    res.json({ summary: `${user.name} <${user.email}>` });\n  } catch (error) {\n    next(error);\n  }\n}\n\nexport async function createUser(',
        ],
      ],
      also: [
        {
          file: 'src/routes/users.routes.ts',
          replace: [
            [
              "usersRouter.get('/:id', users.getUser);",
              "usersRouter.get('/:id', users.getUser);\nusersRouter.get('/:id/summary', users.userSummary);",
            ],
          ],
        },
      ],
      live: [{ path: '/api/users/1/summary', includes: ['"summary":"kept-1 <kept-1@example.com>"'] }],
    },
    {
      name: 'validation rule in a helper called through a namespace import',
      file: 'src/utils/validate.ts',
      replace: [
        [
          "name.length < 2) throw new HttpError(400, 'name must have 2 characters or more');",
          "name.length < 3) throw new HttpError(400, 'name must have 3 characters or more');",
        ],
      ],
      live: [
        {
          method: 'POST',
          path: '/api/users',
          body: { name: 'ab', email: 'ab@example.com' },
          status: 400,
          includes: ['3 characters'],
        },
      ],
    },
    {
      name: 'error handler the app was given by reference',
      file: 'src/middleware/error-handler.ts',
      replace: [
        [
          'res.status(status).json({ error: err.message });',
          'res.status(status).json({ error: err.message, kind: err.name });',
        ],
      ],
      live: [{ path: '/api/users/999', status: 404, includes: ['"kind":"HttpError"'] }],
    },
    {
      name: 'setting in a default-exported object',
      file: 'src/config.ts',
      replace: [['pageSize: 20,', 'pageSize: 50,']],
      live: [{ path: '/health', includes: ['"pageSize":50'] }],
    },
    {
      name: 'inline handler next to listen',
      file: 'src/index.ts',
      replace: [
        [
          "res.json({ status: 'ok', pageSize: config.pageSize });",
          "res.json({ status: 'ok', pageSize: config.pageSize, uptime: process.uptime() });",
        ],
      ],
      live: [{ path: '/health', includes: ['"uptime":'] }],
    },
    {
      name: 'syntax error',
      file: 'src/controllers/users.controller.ts',
      syntaxError: true,
      replace: [[created, brokenCreated]],
      unchanged: ['/api/users'],
    },
    {
      name: 'syntax error fixed',
      file: 'src/controllers/users.controller.ts',
      replace: [[brokenCreated, 'res.status(201).json({ ...userService.create(input), created: true });']],
      live: [
        {
          method: 'POST',
          path: '/api/users',
          body: { name: 'fixed-{n}', email: 'fixed-{n}@example.com' },
          status: 201,
          includes: ['"created":true'],
        },
      ],
    },
  ],
};
