/**
 * State-type analysis after an edit: the language server analyses every saved file that may
 * hold state, so this is time added to each such save. A 100-line and a 500-line server module,
 * each timed edit changing a handler's body (the common save) or, every fifth one, the State
 * type; and a NestJS service of the corpus (class fields, decorators, @nestjs's declaration files
 * in its program), each edit changing a method's body. One edit a turn of the event loop, as
 * saves come. Figures, not assertions: `cd test && npx tsx bench/state-types.ts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateTypeAnalyzer } from '../../extension/src/engine/state-types/index';
import { exampleAppDir, repoRoot } from '../helpers/paths';
import { percentile } from './stats';

const EDITS = 50;
const WARM_EDITS = 10;

/** A server module of about `lines` lines: a State interface and a handler with many cases. */
function serverModule(lines: number, edit: number): string {
  const fields = Math.max(4, Math.floor(lines / 25));
  const cases = Math.max(1, Math.floor((lines - fields - 21) / 3));
  const state = Array.from({ length: fields }, (_, i) =>
    i % 3 === 0 ? `  count${i}: number;` : i % 3 === 1 ? `  names${i}: string[];` : `  seen${i}: Map<string, Date>;`,
  );
  // Every fifth edit changes the State type, the others only code.
  if (edit % 5 === 4) state.push(`  added${edit}?: 'a' | 'b';`);
  const handlers = Array.from(
    { length: cases },
    (_, i) => `    case 'op${i}':\n      total += ${i === 0 ? edit : i};\n      return { reply: total, state };\n`,
  );
  return `import { defineServer } from 'hotpatch-agent';

export interface State {
${state.join('\n')}
}

export type Call = { type: string };
let total = 0;

export const server = defineServer<State, Call, number>({
  init: () => ({}) as State,
  handleCall(message, state) {
    switch (message.type) {
${handlers.join('')}      default:
        return { reply: -1, state };
    }
  },
});
`;
}

/** The corpus's NestJS service: its `stats()` body edited. */
const NEST_SERVICE = join(repoRoot, 'test', 'corpus', 'apps', 'nest-cats', 'src', 'cats', 'cats.service.ts');
const nestService = readFileSync(NEST_SERVICE, 'utf8');
const nestEdit = (edit: number): string =>
  nestService.replace('adopted: this.owners.size', `adopted: this.owners.size, edit: ${edit}`);
if (nestEdit(0) === nestService) throw new Error(`${NEST_SERVICE} changed: its edit no longer applies`);

interface Subject {
  name: string;
  file: string;
  text(edit: number): string;
}

const subjects: Subject[] = [
  ...[100, 500].map((lines) => ({
    name: `${serverModule(lines, 0).split('\n').length}-line server`,
    // In memory only, inside the example app so that 'hotpatch-agent' resolves as in a real app.
    file: join(exampleAppDir, 'src', `.bench-server-${lines}.ts`),
    text: (edit: number) => serverModule(lines, edit),
  })),
  { name: 'NestJS service', file: NEST_SERVICE, text: nestEdit },
];

const ms = (value: number): string => `${value.toFixed(1)} ms`;
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function main(): Promise<void> {
  console.log(
    `State-type analysis after an edit (TypeScript LanguageService, ${process.version}); figures, not assertions.\n`,
  );
  console.log(['module', 'first analysis', 'edits', 'p50', 'p99'].join('\t'));
  for (const subject of subjects) {
    const analyzer = new StateTypeAnalyzer();
    let started = performance.now();
    analyzer.analyze(subject.file, subject.text(-1));
    analyzer.analyzeHolders(subject.file, subject.text(-1));
    const first = performance.now() - started;
    const times: number[] = [];
    for (let edit = 0; edit < WARM_EDITS + EDITS; edit++) {
      await nextTurn();
      const text = subject.text(edit);
      started = performance.now();
      // What a save runs (state-types-adapter.ts): servers, then holders.
      const found = [...analyzer.analyze(subject.file, text), ...analyzer.analyzeHolders(subject.file, text)];
      const elapsed = performance.now() - started;
      if (!found.some((type) => type.shape.type === 'object'))
        throw new Error(`no state type found in ${subject.name}`);
      if (edit >= WARM_EDITS) times.push(elapsed);
    }
    console.log([subject.name, ms(first), EDITS, ms(percentile(times, 50)), ms(percentile(times, 99))].join('\t'));
    analyzer.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
