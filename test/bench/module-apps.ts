/**
 * The apps of many modules that bench/app-cost.ts starts with and without the agent: an entry
 * importing every module and calling one function of each, in CommonJS and as ES modules.
 *
 * Two sizes of module. `small`: a constant and two functions (3 lines), as issue 13 measured;
 * what each module costs, with next to nothing in it. `service`: ≈70 lines, the size most
 * modules of an app have, in the shapes they have (a class holding data with a constructor,
 * methods and a getter; functions; an object of async handlers; closures passed as callbacks; a
 * frozen settings object; a shared helper module imported by all). Each function and class is
 * one the agent makes live, so what a module costs grows with what it holds: the small modules
 * alone would say too little of a real app.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type ModuleSize = 'small' | 'service';
export type ModuleFormat = 'cjs' | 'esm';

/** Writes an app of `count` modules of `size` into `dir`; returns its entry file. */
export function writeModuleApp(dir: string, format: ModuleFormat, size: ModuleSize, count: number): string {
  mkdirSync(dir, { recursive: true });
  const ext = format === 'esm' ? 'mjs' : 'js';
  writeFileSync(join(dir, 'package.json'), format === 'esm' ? JSON.stringify({ type: 'module' }) : '{}');
  if (size === 'service') writeFileSync(join(dir, `util.${ext}`), utilModule(format));
  for (let i = 0; i < count; i++) {
    writeFileSync(join(dir, `m${i}.${ext}`), size === 'small' ? smallModule(format, i) : serviceModule(format, i));
  }
  const entry = join(dir, `app.${ext}`);
  const imports = Array.from({ length: count }, (_, i) =>
    format === 'esm' ? `import * as m${i} from './m${i}.mjs';` : `const m${i} = require('./m${i}.js');`,
  );
  const calls = Array.from({ length: count }, (_, i) => `sum += m${i}.value(1);`);
  writeFileSync(
    entry,
    `${imports.join('\n')}\nlet sum = 0;\n${calls.join('\n')}\nconsole.log(JSON.stringify({ sum }));\nprocess.exit(0);\n`,
  );
  return entry;
}

function smallModule(format: ModuleFormat, i: number): string {
  return format === 'esm'
    ? `const scale = ${i};\nexport function value(x) { return x * scale; }\nexport const label = (name) => \`m${i}:\${name}\`;\n`
    : `const scale = ${i};\nfunction value(x) { return x * scale; }\nconst label = (name) => \`m${i}:\${name}\`;\nmodule.exports = { value, label };\n`;
}

function utilModule(format: ModuleFormat): string {
  const body = 'function format(scope, name) {\n  return `${scope}:${name}`;\n}\n';
  return format === 'esm' ? `export ${body}` : `${body}module.exports = { format };\n`;
}

function serviceModule(format: ModuleFormat, i: number): string {
  const esm = format === 'esm';
  const exported = `Service${i}, service, handlers, validate, value, label`;
  return `// A service: its data in a class, handlers over it, helpers.
${esm ? "import { format } from './util.mjs';" : "const { format } = require('./util.js');"}

const DEFAULTS = Object.freeze({ limit: 20, offset: 0, order: 'asc' });
const cache = new Map();

class Service${i} {
  constructor(name = 'm${i}') {
    this.name = name;
    this.items = [];
    this.hits = 0;
  }

  add(item) {
    const added = { id: this.items.length + 1, ...item };
    this.items.push(added);
    return added;
  }

  find(id) {
    this.hits++;
    return this.items.find((item) => item.id === id);
  }

  list({ limit = DEFAULTS.limit, offset = DEFAULTS.offset, order = DEFAULTS.order } = {}) {
    const sorted = [...this.items].sort((a, b) => (order === 'asc' ? a.id - b.id : b.id - a.id));
    return sorted.slice(offset, offset + limit);
  }

  get size() {
    return this.items.length;
  }
}

function validate(input) {
  const errors = [];
  if (typeof input !== 'object' || input === null) {
    errors.push('not an object');
  } else {
    if (typeof input.title !== 'string' || input.title.length === 0) errors.push('title');
    if (input.count !== undefined && !Number.isInteger(input.count)) errors.push('count');
  }
  return errors;
}

function cached(key, compute) {
  if (!cache.has(key)) cache.set(key, compute());
  return cache.get(key);
}

const service = new Service${i}();

const handlers = {
  async list(req) {
    return service.list(req.query);
  },
  async get(req) {
    return service.find(Number(req.params.id)) ?? { error: 'not found' };
  },
  async create(req) {
    const errors = validate(req.body);
    return errors.length > 0 ? { errors } : service.add(req.body);
  },
};

function value(x) {
  return cached(x, () => x * ${i});
}

const label = (name) => format('m${i}', name);

${esm ? `export { ${exported} };` : `module.exports = { ${exported} };`}
`;
}
