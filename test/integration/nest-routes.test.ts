/**
 * NestJS controllers in a load (live/nest-routes.ts): Nest maps a controller's methods to
 * routes once, as the app starts, from their decorators. A load that changes a controller's
 * method decorators (a new route method, one taken out, an HTTP code) maps it again on the
 * running app, its routes in the order the class declares them and in the place the old ones
 * had; a changed decorator of the class itself (its path) still says a restart applies it. The
 * app is compiled the way tsc compiles it (`__decorate`, design-type metadata), on Express.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { scratchFiles } from '../helpers/scratch';
import { TSC_DECORATOR_HELPERS } from '../helpers/tsc-decorators';

const MAIN = `"use strict";
${TSC_DECORATOR_HELPERS}require('reflect-metadata');
const core_1 = require("@nestjs/core");
const common_1 = require("@nestjs/common");
const cats_controller_1 = require("./cats.controller");
let AppModule = class AppModule {
};
AppModule = __decorate([
    (0, common_1.Module)({ controllers: [cats_controller_1.CatsController] })
], AppModule);
async function bootstrap() {
    const app = await core_1.NestFactory.create(AppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    console.log('LISTENING ' + app.getHttpServer().address().port);
}
bootstrap();
`;

const FIND_ONE = `__decorate([
    (0, common_1.Get)(':name'),
    __param(0, (0, common_1.Param)('name')),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String]),
    __metadata("design:returntype", void 0)
], CatsController.prototype, "findOne", null);
`;

const CONTROLLER = `"use strict";
${TSC_DECORATOR_HELPERS}Object.defineProperty(exports, "__esModule", { value: true });
exports.CatsController = void 0;
const common_1 = require("@nestjs/common");
let CatsController = class CatsController {
    constructor() {
        this.cats = [{ name: 'Tom' }];
    }
    findAll() {
        return this.cats;
    }
    create(body) {
        this.cats.push({ name: body.name });
        return { count: this.cats.length };
    }
    findOne(name) {
        return this.cats.find((cat) => cat.name === name) ?? { missing: name };
    }
};
exports.CatsController = CatsController;
__decorate([
    (0, common_1.Get)(),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", void 0)
], CatsController.prototype, "findAll", null);
__decorate([
    (0, common_1.Post)(),
    (0, common_1.HttpCode)(201),
    __param(0, (0, common_1.Body)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object]),
    __metadata("design:returntype", void 0)
], CatsController.prototype, "create", null);
${FIND_ONE}exports.CatsController = CatsController = __decorate([
    (0, common_1.Controller)('cats')
], CatsController);
`;

/** The controller with a `count()` route method declared before `findOne` (`:name` would match `count`). */
const WITH_COUNT = CONTROLLER.replace(
  '    findOne(name) {',
  '    count() {\n        return { count: this.cats.length };\n    }\n    findOne(name) {',
).replace(
  FIND_ONE,
  `__decorate([
    (0, common_1.Get)('count'),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", void 0)
], CatsController.prototype, "count", null);
${FIND_ONE}`,
);

type Load = (code: string) => ReturnType<Awaited<ReturnType<App['connect']>>['load']>;

async function startApp(): Promise<{ app: App; load: Load }> {
  const fixture = scratchFiles('nest-routes', {
    'package.json': '{ "name": "nest-routes", "private": true }',
    'main.js': MAIN,
    'cats.controller.js': CONTROLLER,
  });
  const app = await App.start('cjs', { fixture, args: ['-r', 'hotpatch-agent/register', 'main.js'] });
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  return { app, load: (code) => client.load({ file: app.file('cats.controller.js'), code }) };
}

async function request(
  app: App,
  method: string,
  path: string,
  body?: object,
): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${app.port}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, text: await response.text() };
}

test('a route method a load adds to a controller answers, before the route it was declared before; the data the controller holds stays', async () => {
  const { app, load } = await startApp();
  assert.equal((await request(app, 'POST', '/cats', { name: 'Felix' })).text, '{"count":2}');
  assert.equal(await app.get('/cats/count'), '{"missing":"count"}', 'before the load, :name answers');

  const result = await load(WITH_COUNT);

  assert.deepEqual(result.report.notApplied, [], 'nothing left for a restart');
  assert.match(result.report.ran.join('\n'), /the NestJS mapping of CatsController's routes: 4 routes in place of 3/);
  assert.equal(await app.get('/cats/count'), '{"count":2}');
  assert.equal(await app.get('/cats/Felix'), '{"name":"Felix"}', 'its other routes answer, with their parameters');
  const created = await request(app, 'POST', '/cats', { name: 'Kit' });
  assert.deepEqual(created, { status: 201, text: '{"count":3}' }, 'with their HTTP codes and bodies');

  // The new route's handler, mapped by that load, takes the next load's body like the others.
  const counted = await load(
    WITH_COUNT.replace('count() {\n        return { count:', 'count() {\n        return { total:'),
  );
  assert.deepEqual(counted.report.functions, ['CatsController.count']);
  assert.deepEqual(counted.report.notApplied, []);
  assert.equal(await app.get('/cats/count'), '{"total":3}');
});

test('a route method a load takes out answers no more; a changed HTTP code applies', async () => {
  const { app, load } = await startApp();

  const withoutFindOne = CONTROLLER.replace(FIND_ONE, '')
    .replace(/ {4}findOne\(name\) \{\n.*\n {4}\}\n/, '')
    .replace('(0, common_1.HttpCode)(201)', '(0, common_1.HttpCode)(202)');
  assert.notEqual(withoutFindOne, CONTROLLER);
  const result = await load(withoutFindOne);

  assert.deepEqual(result.report.notApplied, []);
  assert.match(result.report.ran.join('\n'), /2 routes in place of 3/);
  assert.equal((await request(app, 'GET', '/cats/Tom')).status, 404);
  assert.deepEqual(await request(app, 'POST', '/cats', { name: 'Kit' }), { status: 202, text: '{"count":2}' });
});

test('a changed decorator of the controller class itself (its path) says a restart applies it, and the routes stay as they were', async () => {
  const { app, load } = await startApp();

  const result = await load(
    WITH_COUNT.replace("(0, common_1.Controller)('cats')", "(0, common_1.Controller)('felines')"),
  );

  assert.match(
    result.report.notApplied.join('\n'),
    /CatsController \(line \d+\): its decorators changed.*restart to apply them/,
  );
  assert.equal(await app.get('/cats/Tom'), '{"name":"Tom"}');
  assert.equal((await request(app, 'GET', '/felines/Tom')).status, 404);
});
