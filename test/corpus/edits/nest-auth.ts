import type { CorpusApp } from '../lib/types';

const signedInHeader = '    request.user = user;\n';
const brokenRoute = '  @Get()\n  mine(@Req() req: SignedIn) {\n';

/**
 * NestJS's authentication recipe in a notes app: a global guard (APP_GUARD) reading a session
 * cookie and the route's metadata (`@Public()`, `@Roles(…)`) through the Reflector, a global
 * interceptor (APP_INTERCEPTOR), an exception filter made in main.ts, sessions and notes in
 * services' maps. Compiled by tsc, and run by tsx (explicit @Inject).
 */
export const nestAuth: CorpusApp = {
  dir: 'nest-auth',
  entries: [
    { name: 'nest-auth-tsc', kind: 'tsc', main: ['dist/main.js'] },
    { name: 'nest-auth-tsx', kind: 'tsx', main: ['src/main.ts'] },
  ],
  health: '/health',
  state: {
    // Signed in as a member (a session in AuthService's map, its token in the cookie jar), with a
    // note of this edit's in NotesService's map.
    before: [
      { method: 'POST', path: '/auth/login', body: { username: 'max', password: 'max-pass' } },
      { method: 'POST', path: '/notes', body: { text: 'kept-{n}' } },
    ],
    probes: [{ path: '/notes', includes: ['"kept-{n}"'] }],
  },
  edits: [
    {
      name: 'global guard: a header on the requests it lets through',
      file: 'src/auth/auth.guard.ts',
      replace: [
        [
          signedInHeader,
          `${signedInHeader}    context.switchToHttp().getResponse().setHeader('x-signed-in-as', user.username);\n`,
        ],
      ],
      live: [{ path: '/notes', header: ['x-signed-in-as', 'max'] }],
    },
    {
      name: "global interceptor: the header's format",
      file: 'src/common/timing.interceptor.ts',
      replace: [['`${Math.round(performance.now() - started)}ms`', '`${(performance.now() - started).toFixed(2)} ms`']],
      live: [{ path: '/notes', header: ['x-response-time', ' ms'] }],
    },
    {
      name: 'exception filter made in main.ts: a new field in every error',
      file: 'src/common/http-error.filter.ts',
      replace: [
        [
          'json({ status, error: message, path: request.url });',
          'json({ status, error: message, path: request.url, at: new Date().toISOString() });',
        ],
      ],
      live: [{ path: '/notes/99999', status: 404, includes: ['"at":"20', '"error":"no note 99999"'] }],
    },
    {
      name: 'service: the sign-in error message',
      file: 'src/auth/auth.service.ts',
      replace: [["'Wrong username or password'", "'Unknown user or wrong password'"]],
      live: [
        {
          method: 'POST',
          path: '/auth/login',
          body: { username: 'max', password: 'not-it' },
          status: 401,
          includes: ['Unknown user or wrong password'],
        },
      ],
    },
    {
      name: 'controller: a new route method',
      file: 'src/notes/notes.controller.ts',
      replace: [
        [
          "  @Get(':id')",
          "  @Get('count')\n  count(@Req() req: SignedIn) {\n    return { count: this.notesService.byAuthor(req.user.username).length };\n  }\n\n  @Get(':id')",
        ],
      ],
      live: [{ path: '/notes/count', includes: ['"count":'] }],
    },
    {
      name: 'roles: an admin-only route opened to members (@Roles metadata the guard reads)',
      file: 'src/notes/notes.controller.ts',
      replace: [["  @Roles('admin')\n  @Get('all')", "  @Roles('admin', 'member')\n  @Get('all')"]],
      live: [{ path: '/notes/all', includes: ['"all":', 'kept-{n}'] }],
    },
    {
      name: 'roles: a route closed to members (a new @Roles on a method)',
      file: 'src/notes/notes.controller.ts',
      replace: [["  @Get('count')", "  @Roles('admin')\n  @Get('count')"]],
      live: [{ path: '/notes/count', status: 403, includes: ['Needs the role admin'] }],
    },
    {
      name: 'service: a note keeps when it was written',
      file: 'src/notes/notes.service.ts',
      replace: [
        ['  text: string;\n}', '  text: string;\n  createdAt?: string;\n}'],
        [
          'const note = { id: this.nextId++, author, text };',
          'const note = { id: this.nextId++, author, text, createdAt: new Date().toISOString() };',
        ],
      ],
      live: [
        { method: 'POST', path: '/notes', body: { text: 'probe-{n}' }, status: 201, includes: ['"createdAt":"20'] },
      ],
    },
    {
      name: 'a new provider injected into a controller (DI wired once at startup)',
      file: 'src/notes/notes.service.ts',
      replace: [
        [
          '@Injectable()\nexport class NotesService {',
          '@Injectable()\nexport class NotesAudit {\n  readonly entries: string[] = [];\n\n  record(entry: string): void {\n    this.entries.push(entry);\n  }\n}\n\n@Injectable()\nexport class NotesService {',
        ],
      ],
      also: [
        {
          file: 'src/notes/notes.module.ts',
          replace: [
            [
              "import { NotesService } from './notes.service';",
              "import { NotesAudit, NotesService } from './notes.service';",
            ],
            ['providers: [NotesService],', 'providers: [NotesService, NotesAudit],'],
          ],
        },
        {
          file: 'src/notes/notes.controller.ts',
          replace: [
            [
              "import { NotesService } from './notes.service';",
              "import { NotesAudit, NotesService } from './notes.service';",
            ],
            [
              'constructor(@Inject(NotesService) private readonly notesService: NotesService) {}',
              "constructor(\n    @Inject(NotesService) private readonly notesService: NotesService,\n    @Inject(NotesAudit) private readonly audit: NotesAudit,\n  ) {}\n\n  @Get('audit')\n  auditLog() {\n    return { audit: this.audit.entries };\n  }",
            ],
          ],
        },
      ],
      live: [{ path: '/notes/audit', includes: ['"audit":'] }],
    },
    {
      name: 'syntax error (controller)',
      file: 'src/notes/notes.controller.ts',
      syntaxError: true,
      replace: [[brokenRoute, '  @Get()\n  mine(@Req() req: SignedIn {\n']],
      unchanged: ['/notes'],
    },
    {
      name: 'syntax error fixed, the route answers more',
      file: 'src/notes/notes.controller.ts',
      replace: [
        ['  @Get()\n  mine(@Req() req: SignedIn {\n', brokenRoute],
        [
          'return { notes: this.notesService.byAuthor(req.user.username).map((note) => note.text) };',
          'return { author: req.user.username, notes: this.notesService.byAuthor(req.user.username).map((note) => note.text) };',
        ],
      ],
      live: [{ path: '/notes', includes: ['"author":"max"'] }],
    },
  ],
};
