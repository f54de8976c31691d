import type { CorpusApp } from '../lib/types';

/** A tRPC query's URL: its input JSON in the `input` parameter. */
const query = (procedure: string, input: unknown): string =>
  `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`;

const addTodo = 'const todo: Todo = { id: nextId++, title: formatTitle(input.title), done: false };';
const brokenAddTodo = 'const todo: Todo = { id: nextId++, title: formatTitle(input.title), done: false ;';

export const expressTrpc: CorpusApp = {
  dir: 'express-trpc',
  entries: [{ name: 'express-trpc', kind: 'tsx', main: ['src/server.ts'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/trpc/todos.add', body: { title: 'kept-{n}' } }],
    probes: [{ path: '/trpc/todos.list', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'query resolver body (a procedure built once with the router)',
      file: 'src/routers/todos.ts',
      replace: [
        [
          '  list: publicProcedure.query(() => {\n    return todos;',
          '  list: publicProcedure.query(() => {\n    return { count: todos.length, items: todos };',
        ],
      ],
      live: [{ path: '/trpc/todos.list', includes: ['"count":', '"items":'] }],
    },
    {
      name: 'mutation resolver reads the context',
      file: 'src/routers/todos.ts',
      replace: [
        ['.mutation(({ input }) => {', '.mutation(({ input, ctx }) => {'],
        [
          'title: formatTitle(input.title), done: false };',
          'title: formatTitle(input.title), done: false, by: ctx.user };',
        ],
        ['  done: boolean;\n}', '  done: boolean;\n  by?: string;\n}'],
      ],
      live: [{ method: 'POST', path: '/trpc/todos.add', body: { title: 'probe-{n}' }, includes: ['"by":"anonymous"'] }],
    },
    {
      name: 'context function (handed to the adapter once at startup)',
      file: 'src/context.ts',
      replace: [[": 'anonymous';", ": 'guest';"]],
      live: [{ path: query('greet', { name: 'ann' }), includes: ['"user":"guest"'] }],
    },
    {
      name: 'procedure middleware (t.procedure.use, built once)',
      file: 'src/trpc.ts',
      replace: [["ctx.res.setHeader('X-Procedure', path);", "ctx.res.setHeader('X-Procedure', `trpc:${path}`);"]],
      live: [{ path: '/trpc/todos.list', header: ['x-procedure', 'trpc:todos.list'] }],
    },
    {
      name: 'helper function used by a resolver',
      file: 'src/lib/format.ts',
      replace: [['return `hello, ${name}`;', 'return `hi, ${name}!`;']],
      live: [{ path: query('greet', { name: 'ann' }), includes: ['"text":"hi, ann!"'] }],
    },
    {
      name: "an error's message (TRPCError)",
      file: 'src/routers/todos.ts',
      replace: [['message: `no todo ${input.id}`', 'message: `todo ${input.id} does not exist`']],
      live: [{ path: query('todos.byId', { id: 999 }), status: 404, includes: ['todo 999 does not exist'] }],
    },
    {
      name: 'input schema (zod, checked by the procedure built once)',
      file: 'src/routers/todos.ts',
      replace: [['input(z.object({ title: z.string() }))', 'input(z.object({ title: z.string().min(3) }))']],
      live: [{ method: 'POST', path: '/trpc/todos.add', body: { title: 'ab' }, status: 400, includes: ['too_small'] }],
    },
    {
      name: 'new procedure in a feature router (the router object is built once)',
      file: 'src/routers/todos.ts',
      replace: [
        [
          '  byId: publicProcedure',
          '  open: publicProcedure.query(() => {\n    return todos.filter((t) => !t.done).length;\n  }),\n\n  byId: publicProcedure',
        ],
      ],
      live: [{ path: '/trpc/todos.open', includes: ['"data":'] }],
    },
    {
      name: 'syntax error',
      file: 'src/routers/todos.ts',
      syntaxError: true,
      replace: [
        [
          addTodo.replace('done: false', 'done: false, by: ctx.user'),
          brokenAddTodo.replace('done: false', 'done: false, by: ctx.user'),
        ],
      ],
      unchanged: ['/trpc/todos.list'],
    },
    {
      name: 'syntax error fixed',
      file: 'src/routers/todos.ts',
      replace: [
        [
          brokenAddTodo.replace('done: false', 'done: false, by: ctx.user'),
          addTodo.replace('done: false', 'done: false, by: ctx.user, at: Date.now()'),
        ],
        ['  by?: string;\n}', '  by?: string;\n  at?: number;\n}'],
      ],
      live: [{ method: 'POST', path: '/trpc/todos.add', body: { title: 'probe-{n}' }, includes: ['"at":'] }],
    },
  ],
};
