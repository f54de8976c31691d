import type { CorpusApp } from '../lib/types';

const baseCreate = '    this.items.set(item.id, item);\n    return item;\n';

/**
 * Repositories that inherit from an abstract generic base class (`UserRepository extends
 * BaseRepository<User>`), an override calling `super`, errors in a class hierarchy the error
 * handler tells apart with `instanceof`; the records in the base class's fields of two running
 * singletons. TypeScript run by tsx. An edit to the base class must reach both subclasses and
 * their running instances, and a field the base class gains must be there in them.
 */
export const expressInheritance: CorpusApp = {
  dir: 'express-inheritance',
  entries: [{ name: 'express-inheritance', kind: 'tsx', main: ['src/server.ts'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/users', body: { name: 'kept-{n}', email: 'kept{n}@example.org' } }],
    probes: [{ path: '/users', includes: ['"kept-{n}"'] }],
  },
  edits: [
    {
      name: 'a method of the abstract base class (both subclasses inherit it)',
      file: 'src/repositories/base-repository.ts',
      replace: [['return `${this.kind}: ${this.items.size}`;', 'return `${this.items.size} ${this.kind}(s)`;']],
      live: [{ path: '/stats', includes: ['"users":"', ' user(s)"', '"products":"2 product(s) (priced)"'] }],
    },
    {
      name: 'an override that calls super',
      file: 'src/repositories/product-repository.ts',
      replace: [['return `${super.describe()} (priced)`;', 'return `${super.describe()}, priced in EUR`;']],
      live: [{ path: '/stats', includes: ['"products":"2 product(s), priced in EUR"'] }],
    },
    {
      name: "a subclass's rule (an overridden validate)",
      file: 'src/repositories/user-repository.ts',
      replace: [
        [
          "if (!user.email.includes('@')) throw new ValidationError('email must contain @');",
          "if (!/^[^@]+@[^@]+\\.[^@]+$/.test(user.email)) throw new ValidationError('email must look like name@host.tld');",
        ],
      ],
      live: [
        {
          method: 'POST',
          path: '/users',
          body: { name: 'probe', email: 'probe@localhost' },
          status: 400,
          includes: ['email must look like name@host.tld', '"code":"invalid"'],
        },
      ],
    },
    {
      name: 'a new method on the base class, used by a route',
      file: 'src/repositories/base-repository.ts',
      replace: [
        ['  describe(): string {', '  count(): number {\n    return this.items.size;\n  }\n\n  describe(): string {'],
      ],
      also: [
        {
          file: 'src/server.ts',
          replace: [
            [
              'res.json({ users: users.describe(), products: products.describe() });',
              'res.json({ users: users.describe(), products: products.describe(), total: users.count() + products.count() });',
            ],
          ],
        },
      ],
      live: [{ path: '/stats', includes: ['"total":'] }],
    },
    {
      name: 'a field the base class gains, used by its method (in the running singletons too)',
      file: 'src/repositories/base-repository.ts',
      replace: [
        ['  private nextId = 1;\n', '  private nextId = 1;\n  protected readonly history: string[] = [];\n'],
        [
          baseCreate,
          `    this.items.set(item.id, item);\n    this.history.push(\`created \${item.id}\`);\n    return item;\n`,
        ],
        [
          '  describe(): string {',
          '  recent(): string[] {\n    return this.history.slice(-3);\n  }\n\n  describe(): string {',
        ],
      ],
      also: [
        {
          file: 'src/server.ts',
          replace: [
            [
              "app.get('/stats',",
              "app.get('/history', (_req, res) => {\n  res.json({ users: users.recent() });\n});\n\napp.get('/stats',",
            ],
          ],
        },
      ],
      live: [
        { method: 'POST', path: '/users', body: { name: 'probe-{n}', email: 'probe{n}@example.org' }, status: 201 },
        { path: '/history', includes: ['"users":["created '] },
      ],
    },
    {
      name: 'an error class gains a field the handler sends',
      file: 'src/errors.ts',
      replace: [
        [
          "export class NotFoundError extends AppError {\n  status = 404;\n  code = 'not_found';\n}",
          "export class NotFoundError extends AppError {\n  status = 404;\n  code = 'not_found';\n  hint = 'check the id';\n}",
        ],
      ],
      also: [
        {
          file: 'src/server.ts',
          replace: [
            [
              'res.status(err.status).json({ error: err.message, code: err.code });',
              "res.status(err.status).json({ error: err.message, code: err.code, hint: 'hint' in err ? err.hint : undefined });",
            ],
          ],
        },
      ],
      live: [{ path: '/users/99999', status: 404, includes: ['"hint":"check the id"'] }],
    },
    {
      name: 'a new error subclass, thrown by a subclass and answered by the handler',
      file: 'src/errors.ts',
      replace: [
        [
          'export class NotFoundError extends AppError {',
          "export class ConflictError extends AppError {\n  status = 409;\n  code = 'conflict';\n}\n\nexport class NotFoundError extends AppError {",
        ],
      ],
      also: [
        {
          file: 'src/repositories/user-repository.ts',
          replace: [
            [
              "import { ValidationError } from '../errors';",
              "import { ConflictError, ValidationError } from '../errors';",
            ],
            [
              "throw new ValidationError('email must look like name@host.tld');",
              "throw new ValidationError('email must look like name@host.tld');\n    if (this.findByEmail(user.email)) throw new ConflictError(`${user.email} is taken`);",
            ],
          ],
        },
      ],
      live: [
        {
          method: 'POST',
          path: '/users',
          body: { name: 'again', email: 'kept1@example.org' },
          status: 409,
          includes: ['kept1@example.org is taken', '"code":"conflict"'],
        },
      ],
    },
    {
      name: 'syntax error (base class)',
      file: 'src/repositories/base-repository.ts',
      syntaxError: true,
      replace: [['  findAll(): T[] {', '  findAll(): T[] {{']],
      unchanged: ['/stats'],
    },
    {
      name: 'syntax error fixed, the list newest first',
      file: 'src/repositories/base-repository.ts',
      replace: [
        [
          '  findAll(): T[] {{\n    return [...this.items.values()];',
          '  findAll(): T[] {\n    return [...this.items.values()].reverse();',
        ],
      ],
      live: [{ path: '/products', includes: ['"products":[{"name":"mug"'] }],
    },
  ],
};
