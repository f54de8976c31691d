/**
 * Event listeners a module's top-level statements add are theirs (live/listeners.ts): a load
 * that takes a statement out, or changes the event it listens to, removes its listener, which
 * stops hearing the event as after a restart, and says so; the changed statement's listener
 * hears the new event. A listener Node adds while a statement runs (`events.once`, from
 * node:events) is not the statement's: taking that statement out still says a restart is needed.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { scratchFiles } from '../helpers/scratch';

const APP = `const http = require('node:http');
const { EventEmitter, once } = require('node:events');

const bus = new EventEmitter();
const heard = [];

bus.on('order', (order) => heard.push('audit ' + order));
bus.on('order', (order) => heard.push('mail ' + order));
once(bus, 'ready').then(() => heard.push('ready'));

http
  .createServer((req, res) => {
    const [, event, order] = req.url.split('/');
    bus.emit(event, order);
    res.end(JSON.stringify({ heard: heard.splice(0), order: bus.listenerCount('order'), paid: bus.listenerCount('paid') }));
  })
  .listen(0, '127.0.0.1', function () {
    console.log('LISTENING ' + this.address().port);
  });
`;

interface Heard {
  heard: string[];
  order: number;
  paid: number;
}

test('a listener whose statement a load changes or takes out stops hearing its event', async () => {
  const fixture = scratchFiles('listeners', {
    'package.json': '{ "name": "listeners", "private": true }',
    'app.js': APP,
  });
  const app = await App.start('cjs', { fixture, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => app.stop());
  const emit = async (event: string, order: string): Promise<Heard> =>
    JSON.parse(await app.get(`/${event}/${order}`)) as Heard;
  assert.deepEqual(await emit('order', '1'), { heard: ['audit 1', 'mail 1'], order: 2, paid: 0 });
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('app.js');

  const moved = APP.replace(
    "bus.on('order', (order) => heard.push('mail ' + order));",
    "bus.on('paid', (order) => heard.push('mail ' + order));",
  );
  const first = await client.load({ file, code: moved });
  assert.deepEqual(first.report.notApplied, []);
  assert.match(first.report.undone.join('\n'), /line 8: bus\.on\('order'/);
  assert.deepEqual(await emit('order', '2'), { heard: ['audit 2'], order: 1, paid: 1 });
  assert.deepEqual(await emit('paid', '3'), { heard: ['mail 3'], order: 1, paid: 1 });

  const removed = moved.replace("bus.on('order', (order) => heard.push('audit ' + order));\n", '');
  const second = await client.load({ file, code: removed });
  assert.deepEqual(second.report.notApplied, []);
  assert.deepEqual(await emit('order', '4'), { heard: [], order: 0, paid: 1 });

  // events.once added its listener from node:events: not the statement's own, so not taken back.
  const third = await client.load({
    file,
    code: removed.replace("once(bus, 'ready').then(() => heard.push('ready'));\n", ''),
  });
  assert.match(third.report.notApplied.join('\n'), /line \d+ \(once\(bus, 'ready'\).*restart to drop it/);
  await emit('ready', '5');
  // The promise's callback runs once the request that emitted the event has been answered.
  assert.deepEqual((await emit('none', '6')).heard, ['ready'], 'its listener still heard the event');
});
