/**
 * Frameworks that fix their routes once the app has started (live/fixed-routes.ts), on the
 * corpus's Hono app: a load that adds a route says it needs a restart instead of saying it ran
 * (a mounted sub-app's new route answered nowhere) or failing (the app's router refuses it),
 * and the rest of the version applies.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { repoRoot } from '../helpers/paths';

const honoApp = join(repoRoot, 'test', 'corpus', 'apps', 'hono');

async function startHono(): Promise<App> {
  const app = await App.start('esm', {
    fixture: honoApp,
    args: ['--import', 'hotpatch-agent/register', 'index.js'],
    env: { PORT: '0' },
  });
  after(() => app.stop());
  return app;
}

test('a route added to a mounted Hono sub-app is said to need a restart, not said to have run', async () => {
  const app = await startHono();
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('routes/books.js');
  const code = readFileSync(file, 'utf8')
    .replace("books.get('/:id',", "books.get('/search', (c) => c.json({ search: true }));\n\nbooks.get('/:id',")
    .replace('count: shelf.length', 'total: shelf.length');

  const result = await client.load({ file, code });

  assert.equal(result.report.notApplied.length, 1, result.report.notApplied.join('\n'));
  assert.match(
    result.report.notApplied[0]!,
    /books\.get\('\/search'.*Hono fixes its routes at startup.*restart to apply it/,
  );
  assert.ok(
    !result.report.ran.some((r) => r.includes('/search')),
    `not said to have run: ${result.report.ran.join('; ')}`,
  );
  assert.match(await app.get('/books'), /"total":2/, 'the changed handler in the same file is live');
  assert.match(await app.get('/books/search'), /no such book/, 'the old routes answer as before');
});

test('a route added to a Hono app that has served requests needs a restart; the rest of the version applies', async () => {
  const app = await startHono();
  assert.match(await app.get('/'), /"service":"library"/);
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('index.js');
  const code = readFileSync(file, 'utf8')
    .replace("const SERVICE = 'library';", "const SERVICE = 'bookshop';")
    .replace("app.route('/books', books);", "app.get('/version', (c) => c.text('2'));\n\napp.route('/books', books);");

  const result = await client.load({ file, code });

  assert.match(result.report.notApplied.join('\n'), /app\.get\('\/version'.*Hono fixes its routes at startup/);
  assert.match(await app.get('/'), /"service":"bookshop"/);
  // Before, the new route's statement failed every later load of the file until a restart.
  const later = await client.load({ file, code: code.replace("'bookshop'", "'bookstore'") });
  assert.match(await app.get('/'), /"service":"bookstore"/);
  // The route is still not served: this load says so too, or it would read as all live.
  assert.match(
    later.report.notApplied.join('\n'),
    /app\.get\('\/version'.*not running since an earlier load: Hono fixes its routes at startup.*restart to apply it/,
  );
  assert.match(await app.get('/version'), /no route for \/version/, 'the route is indeed not served');

  // Without the statement, the code is what runs again: nothing left to restart for.
  const removed = await client.load({
    file,
    code: code.replace("'bookshop'", "'bookstore'").replace("app.get('/version', (c) => c.text('2'));\n\n", ''),
  });
  assert.deepEqual(removed.report.notApplied, []);
});
