/**
 * A DTO's class-validator rules (validation-decorators.ts): class-validator reads them at each
 * validation, so a changed rule or a new field's rules apply in place, the running class
 * keeping its identity. The DTO is written as tsc compiles it (`__decorate` statements after
 * the class), validated the way NestJS's ValidationPipe does it, against real class-validator.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { loadEdited } from '../helpers/cli';
import { scratchFiles } from '../helpers/scratch';

// tsc's decorator helper, as it writes it into each compiled module.
const decorateHelper = `var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};`;

test('a changed class-validator rule and a new field with rules apply to the running DTO class', async () => {
  const source = scratchFiles('validation-rules', {
    'package.json': '{}',
    'create-cat.dto.js': `"use strict";
${decorateHelper}
Object.defineProperty(exports, "__esModule", { value: true });
exports.CreateCatDto = void 0;
const class_validator_1 = require("class-validator");
class CreateCatDto {
}
exports.CreateCatDto = CreateCatDto;
__decorate([(0, class_validator_1.IsString)()], CreateCatDto.prototype, "name", void 0);
__decorate([(0, class_validator_1.IsInt)(), (0, class_validator_1.Max)(30)], CreateCatDto.prototype, "age", void 0);
`,
    'app.js': `const http = require('node:http');
const { validate } = require('class-validator');
const { CreateCatDto } = require('./create-cat.dto');
http
  .createServer(async (req, res) => {
    const body = Object.fromEntries(new URL(req.url, 'http://x').searchParams);
    const dto = Object.assign(new CreateCatDto(), { ...body, age: Number(body.age) });
    const errors = await validate(dto, { forbidUnknownValues: false });
    res.end(errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ') || 'valid');
  })
  .listen(0, '127.0.0.1', function () {
    console.log('LISTENING ' + this.address().port);
  });
`,
  });
  const running = await App.start('cjs', { fixture: source, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => running.stop());
  assert.equal(await running.get('/?name=tom&age=35'), 'age must not be greater than 30');

  const changed = await loadEdited(running, 'create-cat.dto.js', (text) => text.replace('Max)(30)', 'Max)(40)'));
  assert.match(changed.stdout, /✓ .*\n.*ran line 14: the validation rules of CreateCatDto\.age/, changed.stdout);
  assert.equal(await running.get('/?name=tom&age=35'), 'valid', 'the old rule is gone');
  assert.equal(await running.get('/?name=tom&age=45'), 'age must not be greater than 40', 'the new rule holds');

  const added = await loadEdited(running, 'create-cat.dto.js', (text) =>
    text.replace(
      'CreateCatDto.prototype, "age", void 0);',
      'CreateCatDto.prototype, "age", void 0);\n__decorate([(0, class_validator_1.IsOptional)(), (0, class_validator_1.IsString)()], CreateCatDto.prototype, "color", void 0);',
    ),
  );
  assert.match(added.stdout, /the validation rules of CreateCatDto\.color/, added.stdout);
  assert.equal(await running.get('/?name=tom&age=3&color=5'), 'valid', 'a string from the query');
  assert.equal(await running.get('/?name=7&age=3'), 'valid', 'name is a string too');
  assert.equal(await running.get('/?name=tom&age=31'), 'valid', 'the age rule of the load before stays');
  assert.equal(await running.get('/?name=tom&age=41'), 'age must not be greater than 40');
});
