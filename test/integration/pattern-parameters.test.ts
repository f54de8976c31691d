/**
 * Arrows that destructure their arguments or give them defaults, held since startup by code
 * that calls them later: a GraphQL server's resolvers and context function, a route's handler.
 * Their arguments are gone once destructured, so the agent wraps each such arrow (see wrapArrow
 * in live/instrument.ts): a load gives the held arrow its new body, with the arguments as the
 * caller passed them, and the arrow keeps its `length`, its `name` and whether it is async.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { loadEdited } from '../helpers/cli';
import { scratchFiles } from '../helpers/scratch';

const handlers = `const handlers = {
  context: ({ request }, extra = {}) => ({ path: request.url, ...extra }),
  resolve: async (_parent, { id }, { path } = {}) => \`book \${id} at \${path}\`,
};
`;
const server = `const held = { context: handlers.context, resolve: handlers.resolve };
const server = http.createServer(async (req, res) => {
  const context = held.context({ request: req });
  const answer = await held.resolve(null, { id: 7 }, context);
  res.end(
    JSON.stringify({
      answer,
      lengths: [held.context.length, held.resolve.length],
      names: [held.context.name, held.resolve.name],
      async: [held.context, held.resolve].map((f) => f.constructor.name === 'AsyncFunction'),
    }),
  );
});
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + server.address().port));
`;

const apps = {
  cjs: {
    file: 'handlers.js',
    files: {
      'package.json': '{}',
      'handlers.js': `${handlers}module.exports = handlers;\n`,
      'app.js': `const http = require('node:http');\nconst handlers = require('./handlers');\n${server}`,
    },
    args: ['-r', 'hotpatch-agent/register', 'app.js'],
  },
  esm: {
    file: 'handlers.mjs',
    files: {
      'package.json': '{}',
      'handlers.mjs': `${handlers}export default handlers;\n`,
      'app.mjs': `import http from 'node:http';\nimport handlers from './handlers.mjs';\n${server}`,
    },
    args: ['--import', 'hotpatch-agent/register', 'app.mjs'],
  },
} as const;

for (const [kind, app] of Object.entries(apps)) {
  test(`${kind}: arrows that destructure their arguments, held since startup, run their new bodies with the caller's arguments`, async () => {
    const running = await App.start(kind as 'cjs' | 'esm', {
      fixture: scratchFiles('pattern-parameters', app.files),
      args: [...app.args],
    });
    after(() => running.stop());
    const before = { answer: 'book 7 at /', lengths: [1, 2], names: ['context', 'resolve'], async: [false, true] };
    assert.deepEqual(JSON.parse(await running.get('/')), before);

    const cli = await loadEdited(running, app.file, (text) =>
      text
        .replace('({ path: request.url, ...extra })', '({ path: request.url, method: request.method, ...extra })')
        .replace('`book ${id} at ${path}`', '`book ${id} at ${path}, v2`'),
    );
    assert.doesNotMatch(cli.stdout + cli.stderr, /keeps its old code|not applied/, cli.stdout);
    assert.deepEqual(JSON.parse(await running.get('/')), { ...before, answer: 'book 7 at /, v2' });
  });
}
