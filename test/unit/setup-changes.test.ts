/**
 * What counts as registering something in a function that ran once, at startup (setup-statements.ts):
 * a load that adds such a registration says it waits for the function to run again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveModule } from '../../runtime-agent/src/code-server/live/live-module';
import { patchAfter } from '../helpers/live-patch';

/** The report's notes of a load of each later text against `before`. */
function notesAfter(file: string, before: string): (after: string) => string {
  const load = patchAfter(new LiveModule(file), before);
  return (after) => load(after).report.notApplied.join('\n');
}

const passportConfig = `const LocalStrategy = require('passport-local').Strategy;
module.exports = function (passport) {
  passport.use(
    new LocalStrategy({ usernameField: 'email' }, (email, password, done) => {
      return done(null, false, { message: 'That email is not registered' });
    }),
  );
  passport.serializeUser((user, done) => done(null, user.id));
};
`;

test('a setup function that gains a strategy made from a callback (passport.use(new LocalStrategy(…, verify))) says it waits for the function to run again', () => {
  const notes = notesAfter('/app/config/passport.js', passportConfig);
  const withStaff = passportConfig.replace(
    '  passport.serializeUser(',
    "  passport.use('staff', new LocalStrategy((email, password, done) => done(null, false)));\n  passport.serializeUser(",
  );
  assert.match(
    notes(withStaff),
    /module\.exports \(line 2\) registers something new \(passport\.use\('staff', new LocalStrategy/,
  );
  assert.match(notes(withStaff), /restart to apply it/);
  // The verify callback's body is live code: a new body applies in place, with no note.
  assert.equal(notes(passportConfig.replace('That email is not registered', 'No account uses that email')), '');
});

test('a router factory that gains a route whose handler a call wraps (asyncHandler(async (req, res) => …)) says so', () => {
  const before =
    'function makeRoutes(repo) {\n  const router = express.Router();\n  router.get("/", asyncHandler(async (req, res) => res.json(await repo.all())));\n  return router;\n}\nmodule.exports = { makeRoutes };\n';
  const notes = notesAfter('/app/routes.js', before);
  const withStats = before.replace(
    '  return router;',
    '  router.get("/stats", asyncHandler(async (req, res) => res.json({ total: (await repo.all()).length })));\n  return router;',
  );
  assert.match(
    notes(withStats),
    /makeRoutes \(line 1\) registers something new \(router\.get\("\/stats", asyncHandler/,
  );
});

test('data made by code is not a registration: a mapped array sent, a promise pushed', () => {
  const before = 'function collect(res, jobs, items) {\n  jobs.length = 0;\n}\nmodule.exports = { collect };\n';
  const notes = notesAfter('/app/collect.js', before);
  const added = (statement: string): string =>
    notes(before.replace('  jobs.length = 0;', `  jobs.length = 0;\n  ${statement}`));
  assert.equal(added('res.json(items.map((item) => item.name));'), '');
  assert.equal(added('jobs.push(new Promise((resolve) => setTimeout(resolve, 1)));'), '');
  // A constructed object that keeps its callback is one (an emitter's listener made by a class).
  assert.match(
    added("jobs.on('tick', new Listener(() => items.pop()));"),
    /collect \(line 1\) registers something new/,
  );
});

test("a router factory that gains a route to a controller's method, passed by reference or bound (a DI container's controller), says so", () => {
  const before =
    'function todosRouter(container) {\n  const controller = container.resolve(TodoController);\n  const router = Router();\n  router.get("/", controller.list);\n  router.get("/:id", controller.get.bind(controller));\n  return router;\n}\nmodule.exports = { todosRouter };\n';
  const notes = notesAfter('/app/routes/todos.js', before);
  const added = (statement: string): string =>
    notes(before.replace('  return router;', `  ${statement}\n  return router;`));
  assert.match(added('router.get("/search", controller.search);'), /todosRouter \(line 1\) registers something new/);
  assert.match(
    added('router.post("/:id/done", controller.complete.bind(controller));'),
    /registers something new \(router\.post\("\/:id\/done", controller\.complete\.bind/,
  );
  assert.match(added('router.use(audit.middleware);'), /registers something new/);
  assert.match(added('router.get(`/${"todos"}/open`, controller.open);'), /registers something new/);
  // Data passed along is not a handler: a property passed with no path before it (a query's
  // parameters, a request's body), a computed property.
  assert.equal(added('container.query("SELECT 1", controller.params);'), '');
  assert.equal(added('container.post(controller.url, controller.body);'), '');
  assert.equal(added('cache.delete(controller.key);'), '');
  assert.equal(added('router.get("/x", handlers[name]);'), '');
});
