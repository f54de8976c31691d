/**
 * State-type analysis after an edit: the language server analyses every saved file, so this
 * is time added to each save. A 100-line and a 500-line server module; each timed edit
 * changes a handler's body (the common save) or, every fifth one, the State type. Figures,
 * not assertions: `cd test && npx tsx bench/state-types.ts`.
 */
import { join } from 'node:path';
import { StateTypeAnalyzer } from '../../extension/src/engine/state-types/index';
import { exampleAppDir } from '../helpers/paths';
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

const ms = (value: number): string => `${value.toFixed(1)} ms`;

console.log(
  `State-type analysis after an edit (TypeScript LanguageService, ${process.version}); figures, not assertions.\n`,
);
console.log(['module', 'first analysis', 'edits', 'p50', 'p99'].join('\t'));
for (const lines of [100, 500]) {
  const analyzer = new StateTypeAnalyzer();
  // In memory only, inside the example app so that 'hotpatch-agent' resolves as in a real app.
  const file = join(exampleAppDir, 'src', `.bench-server-${lines}.ts`);
  let started = performance.now();
  analyzer.analyze(file, serverModule(lines, -1));
  const first = performance.now() - started;
  const times: number[] = [];
  for (let edit = 0; edit < WARM_EDITS + EDITS; edit++) {
    const text = serverModule(lines, edit);
    started = performance.now();
    const [server] = analyzer.analyze(file, text);
    const elapsed = performance.now() - started;
    if (!server || server.shape.type !== 'object') throw new Error('no state type found');
    if (edit >= WARM_EDITS) times.push(elapsed);
  }
  const actual = serverModule(lines, 0).split('\n').length;
  console.log([`${actual} lines`, ms(first), EDITS, ms(percentile(times, 50)), ms(percentile(times, 99))].join('\t'));
  analyzer.dispose();
}
