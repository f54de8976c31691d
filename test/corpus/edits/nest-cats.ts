import type { CorpusApp } from '../lib/types';

const listenerText = '`new cat: ${event.name}, aged ${event.age}`);';
const findByName = 'return this.cats.find((cat) => cat.name === name);';
const findByNameAnyCase = 'return this.cats.find((cat) => cat.name.toLowerCase() === name.toLowerCase());';

/**
 * A NestJS app of our own in the shape of real ones: feature modules with controllers and
 * services holding arrays and maps, an interface file, DTOs checked by class-validator, an
 * @OnEvent listener fed by a service, main.ts. Compiled by tsc (decorator metadata), and the same
 * sources run by tsx (no metadata: explicit @Inject, DTOs named in their @Body pipes).
 */
export const nestCats: CorpusApp = {
  dir: 'nest-cats',
  entries: [
    { name: 'nest-cats-tsc', kind: 'tsc', main: ['dist/main.js'] },
    { name: 'nest-cats-tsx', kind: 'tsx', main: ['src/main.ts'] },
  ],
  health: '/health',
  state: {
    // A cat in the service's array, its owner in the service's map, an entry in the listener's
    // log (array and map), its name in the controller module's array.
    before: [
      { method: 'POST', path: '/cats', body: { name: 'kept-{n}', age: 2 } },
      { method: 'POST', path: '/cats/kept-{n}/adopt', body: { owner: 'owner-{n}' } },
      { path: '/cats/kept-{n}' },
    ],
    probes: [
      { path: '/cats/recent', includes: ['"kept-{n}"'] },
      { path: '/cats', includes: ['"kept-{n}"'] },
      { path: '/cats/kept-{n}', includes: ['"owner":"owner-{n}"'] },
      { path: '/audit', includes: ['kept-{n}', '"cat.created":'] },
    ],
  },
  edits: [
    {
      name: 'service method body',
      file: 'src/cats/cats.service.ts',
      replace: [[findByName, findByNameAnyCase]],
      live: [{ path: '/cats/tom', includes: ['"name":"Tom"'] }],
    },
    {
      name: 'controller method body',
      file: 'src/cats/cats.controller.ts',
      replace: [
        [
          'return { cats: this.catsService.findAll().map((cat) => cat.name) };',
          'const cats = this.catsService.findAll();\n    return { total: cats.length, cats: cats.map((cat) => cat.name) };',
        ],
      ],
      live: [{ path: '/cats', includes: ['"total":'] }],
    },
    {
      name: 'service: a new field with an initializer (a Map), used by methods',
      file: 'src/cats/cats.service.ts',
      replace: [
        [
          '  private readonly owners = new Map<string, string>();',
          '  private readonly owners = new Map<string, string>();\n  private readonly lookups = new Map<string, number>();',
        ],
        [
          findByNameAnyCase,
          findByNameAnyCase.replace('return', 'const found =') +
            '\n    if (found) this.lookups.set(found.name, (this.lookups.get(found.name) ?? 0) + 1);\n    return found;',
        ],
        [
          'return { cats: this.cats.length, adopted: this.owners.size };',
          'return { cats: this.cats.length, adopted: this.owners.size, lookups: Object.fromEntries(this.lookups) };',
        ],
      ],
      live: [
        { path: '/cats/Tom', includes: ['"name":"Tom"'] },
        { path: '/cats/stats', includes: ['"lookups":{', '"Tom":'] },
      ],
    },
    {
      name: '@OnEvent listener body',
      file: 'src/audit/cats.listener.ts',
      replace: [['`new cat: ${event.name}`', '`new cat: ${event.name}, aged ${event.age}`']],
      live: [
        { method: 'POST', path: '/cats', body: { name: 'probe-{n}', age: 4 }, status: 201 },
        { path: '/audit', includes: ['new cat: probe-{n}, aged 4'] },
      ],
    },
    {
      name: 'syntax error (listener)',
      file: 'src/audit/cats.listener.ts',
      syntaxError: true,
      replace: [[listenerText, listenerText.replace('`);', '`;')]],
      unchanged: ['/audit', '/cats'],
    },
    {
      name: 'syntax error fixed',
      file: 'src/audit/cats.listener.ts',
      replace: [[listenerText.replace('`);', '`;'), listenerText.replace(', aged ${event.age}`', ' (${event.age})`')]],
      live: [
        { method: 'POST', path: '/cats', body: { name: 'probe-{n}', age: 1 }, status: 201 },
        { path: '/audit', includes: ['new cat: probe-{n} (1)'] },
      ],
    },
    {
      name: "controller module: a new constant; the module's array kept",
      file: 'src/cats/cats.controller.ts',
      replace: [
        ['const recentlyViewed: string[] = [];', 'const recentlyViewed: string[] = [];\nconst RECENT_LIMIT = 5;'],
        [
          'return { recent: recentlyViewed.slice(-20) };',
          'return { recent: recentlyViewed.slice(-RECENT_LIMIT), limit: RECENT_LIMIT };',
        ],
      ],
      live: [{ path: '/cats/recent', includes: ['"limit":5'] }],
    },
    {
      name: 'DTO: a validation rule changed (@Max(30) to @Max(40))',
      file: 'src/cats/dto/create-cat.dto.ts',
      replace: [['  @Max(30)', '  @Max(40)']],
      live: [
        { method: 'POST', path: '/cats', body: { name: 'probe-{n}', age: 35 }, status: 201 },
        {
          method: 'POST',
          path: '/cats',
          body: { name: 'old-{n}', age: 45 },
          status: 400,
          includes: ['age must not be greater than 40'],
        },
      ],
    },
    {
      name: 'DTO: a new optional field with its rules',
      file: 'src/cats/dto/create-cat.dto.ts',
      replace: [
        [
          "import { IsInt, IsString, Length, Max, Min } from 'class-validator';",
          "import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';",
        ],
        ['  age: number;\n}', '  age: number;\n\n  @IsOptional()\n  @IsString()\n  color?: string;\n}'],
      ],
      live: [
        {
          method: 'POST',
          path: '/cats',
          body: { name: 'probe-{n}', age: 1, color: 5 },
          status: 400,
          includes: ['color must be a string'],
        },
      ],
    },
    {
      name: 'main.ts: the body of a middleware registered in bootstrap',
      file: 'src/main.ts',
      replace: [["res.setHeader('x-cattery-build', 'one');", "res.setHeader('x-cattery-build', 'two');"]],
      live: [{ path: '/health', header: ['x-cattery-build', 'two'] }],
    },
    {
      name: 'main.ts: a new call in bootstrap (enableCors, read once at startup)',
      file: 'src/main.ts',
      replace: [
        [
          '  app.useGlobalPipes(new ValidationPipe({ transform: true }));',
          '  app.useGlobalPipes(new ValidationPipe({ transform: true }));\n  app.enableCors();',
        ],
      ],
      live: [{ path: '/health', header: ['access-control-allow-origin', '*'] }],
    },
    {
      name: 'controller: a new route method',
      file: 'src/cats/cats.controller.ts',
      replace: [
        [
          "  @Get(':name')",
          "  @Get('count')\n  count() {\n    return { count: this.catsService.findAll().length };\n  }\n\n  @Get(':name')",
        ],
      ],
      live: [{ path: '/cats/count', includes: ['"count":'] }],
    },
    {
      name: 'interface: Cat gains a field, used by the sort (a migration)',
      file: 'src/cats/cat.interface.ts',
      replace: [['  age: number;\n}', '  age: number;\n  color: string;\n}']],
      also: [
        {
          file: 'src/cats/cats.service.ts',
          replace: [
            [
              "private readonly cats: Cat[] = [{ name: 'Tom', age: 3 }];",
              "private readonly cats: Cat[] = [{ name: 'Tom', age: 3, color: 'grey' }];",
            ],
            [
              'const cat: Cat = { name: dto.name, age: dto.age };',
              "const cat: Cat = { name: dto.name, age: dto.age, color: dto.color ?? 'tabby' };",
            ],
            [
              '  findAll(): Cat[] {\n    return this.cats;\n',
              '  findAll(): Cat[] {\n    return [...this.cats].sort((a, b) => a.color.localeCompare(b.color) || a.name.localeCompare(b.name));\n',
            ],
          ],
        },
      ],
      migration: true,
      live: [
        { method: 'POST', path: '/cats', body: { name: 'probe-{n}', age: 1, color: 'black' }, status: 201 },
        { path: '/cats/probe-{n}', includes: ['"color":"black"'] },
        { path: '/cats/Tom', includes: ['"color":'] },
        { path: '/cats', includes: ['"probe-{n}"'] },
      ],
    },
  ],
};
