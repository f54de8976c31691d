/**
 * The state-type analysis resolves imports as the app's tsconfig.json does: `paths` aliases
 * (`@/types/task`), which tsx, bundlers and tsc follow (project-paths.ts).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { StateTypeAnalyzer, typeDependents } from '../../extension/src/engine/state-types/index';
import { scratchFolder } from '../helpers/scratch';

function project(files: Record<string, string>): string {
  const root = scratchFolder('project-paths');
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

const service =
  "import type { Task } from '@/types/task';\nconst tasks: Task[] = [];\nexport const count = () => tasks.length;\n";
const task = 'export interface Task {\n  id: number;\n  title: string;\n}\n';

test("a module importing a type through its tsconfig's paths depends on the type file, and its state has that type", () => {
  const root = project({
    // Comments and a trailing comma, as tsconfig files are written.
    'tsconfig.json': '{\n  // aliases\n  "compilerOptions": { "paths": { "@/*": ["./src/*"] }, },\n}\n',
    'src/types/task.ts': task,
    'src/services/tasks.ts': service,
  });
  const serviceFile = join(root, 'src/services/tasks.ts');
  assert.deepEqual(typeDependents(join(root, 'src/types/task.ts'), [serviceFile]), [serviceFile]);

  const analyzer = new StateTypeAnalyzer();
  after(() => analyzer.dispose());
  const [holder] = analyzer.analyzeHolders(serviceFile, service);
  assert.deepEqual(
    holder?.fields.map((f) => `${f.name}: ${f.canonical}`),
    ['tasks: { id: number; title: string }[]'],
  );
});

test('without paths in its tsconfig, the alias resolves to nothing, as the app would not run', () => {
  const root = project({
    'tsconfig.json': '{ "compilerOptions": { "strict": true } }\n',
    'src/types/task.ts': task,
    'src/services/tasks.ts': service,
  });
  assert.deepEqual(typeDependents(join(root, 'src/types/task.ts'), [join(root, 'src/services/tasks.ts')]), []);
});
