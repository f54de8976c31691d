import type { CorpusApp } from '../lib/types';

const findOne = '    if (!cat) throw new NotFoundException(`no cat named ${name}`);';

/** NestJS compiled by tsc (decorators, metadata): controller and service edits, state in a service's field. */
export const nestTsc: CorpusApp = {
  dir: 'nest-tsc',
  entries: [{ name: 'nest-tsc', kind: 'tsc', main: ['dist/main.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/cats', body: { name: 'kept-{n}', age: 2 } }],
    probes: [{ path: '/cats', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'controller method body',
      file: 'src/cats/cats.controller.ts',
      replace: [
        [
          'return { cats: this.catsService.findAll().map((cat) => cat.name) };',
          'return { total: this.catsService.findAll().length, cats: this.catsService.findAll().map((cat) => cat.name) };',
        ],
      ],
      live: [{ path: '/cats', includes: ['"total":'] }],
    },
    {
      name: 'service method body',
      file: 'src/cats/cats.service.ts',
      replace: [
        [
          'return this.cats.find((cat) => cat.name === name);',
          'return this.cats.find((cat) => cat.name.toLowerCase() === name.toLowerCase());',
        ],
      ],
      live: [{ path: '/cats/tom', includes: ['"name":"Tom"'] }],
    },
    {
      name: 'service: a new field with an initializer, used by a method',
      file: 'src/cats/cats.service.ts',
      replace: [
        [
          "  private readonly cats: Cat[] = [{ name: 'Tom', age: 3 }];",
          "  private readonly cats: Cat[] = [{ name: 'Tom', age: 3 }];\n  private readonly added = new Map<string, number>();",
        ],
        ['    this.cats.push(cat);', '    this.cats.push(cat);\n    this.added.set(cat.name, this.added.size + 1);'],
      ],
      live: [
        { method: 'POST', path: '/cats', body: { name: 'probe-{n}', age: 1 }, status: 201, includes: ['probe-{n}'] },
      ],
    },
    {
      name: 'controller: a module constant',
      file: 'src/cats/cats.controller.ts',
      replace: [
        [
          "import { CatsService } from './cats.service';",
          "import { CatsService } from './cats.service';\n\nconst NOT_FOUND = 'no such cat';",
        ],
        [findOne, findOne.replace('`no cat named ${name}`', '`${NOT_FOUND}: ${name}`')],
      ],
      live: [{ path: '/cats/nobody', status: 404, includes: ['no such cat: nobody'] }],
    },
    {
      name: 'syntax error',
      file: 'src/cats/cats.service.ts',
      syntaxError: true,
      replace: [['    return this.cats;', '    return this.cats;;)']],
      unchanged: ['/cats/Tom'],
    },
    {
      name: 'syntax error fixed',
      file: 'src/cats/cats.service.ts',
      replace: [['    return this.cats;;)', '    return [...this.cats].sort((a, b) => a.name.localeCompare(b.name));']],
      live: [{ path: '/cats', includes: ['"cats":["kept-'] }],
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
      name: 'controller: a route method taken out',
      file: 'src/cats/cats.controller.ts',
      replace: [
        [
          "  @Get(':name')\n  findOne(@Param('name') name: string) {\n    const cat = this.catsService.findByName(name);\n    if (!cat) throw new NotFoundException(`${NOT_FOUND}: ${name}`);\n    return cat;\n  }\n",
          '',
        ],
      ],
      live: [{ path: '/cats/Tom', status: 404, includes: ['Cannot GET /cats/Tom'] }],
    },
  ],
};
