/**
 * The checks every WebSocket upgrade to the agent passes through: the Host header must name
 * this machine's loopback in a form every parser reads the same way (the inspector's
 * CVE-2018-7160 family), no browser Origin, and the bearer token compared in constant time.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bearerToken,
  checkUpgrade,
  isLoopbackHost,
  tokenMatches,
  type Refusal,
  type UpgradeHeaders,
} from '../../runtime-agent/src/transport/security';

const TOKEN = 'a'.repeat(64);

describe('isLoopbackHost', () => {
  const accepted = [
    'localhost',
    'localhost:1234',
    'LocalHost:80',
    '127.0.0.1',
    '127.0.0.1:9',
    '127.255.255.254',
    '127.10.20.30:65535',
    '[::1]',
    '[::1]:80',
  ];
  for (const host of accepted) {
    test(`accepts '${host}'`, () => assert.equal(isLoopbackHost(host), true));
  }

  const refused: [string | undefined, string][] = [
    ['evil.example', 'another name (DNS rebinding)'],
    ['evil.example:80', 'another name with a port'],
    ['localhost6', 'a look-alike of localhost'],
    ['localhost.evil.example', 'a name under an attacker domain'],
    ['localhost.', 'the fully qualified form, which resolvers may send elsewhere'],
    ['127.0.0.1.evil.example', 'an address-shaped label of another name'],
    ['evil.example#127.0.0.1', 'a fragment trick'],
    ['10.0.2.555', 'an invalid address some parsers read as a name'],
    ['0177.0.0.1', 'octal'],
    ['0x7f.0.0.1', 'hexadecimal'],
    ['2130706433', 'a single 32-bit number'],
    ['127.1', 'the shortened form'],
    ['127.000.000.001', 'leading zeros (octal to some parsers)'],
    ['127.0.0.256', 'an octet out of range'],
    ['128.0.0.1', 'not 127/8'],
    ['0.0.0.0', 'the unspecified address'],
    ['[::ffff:127.0.0.1]', 'IPv4-mapped IPv6'],
    ['[::]', 'the unspecified IPv6 address'],
    ['::1', 'IPv6 without brackets'],
    ['[0:0:0:0:0:0:0:1]', 'the long form of ::1'],
    ['localhost:', 'an empty port'],
    ['localhost:123456', 'a port of six digits'],
    ['localhost:80:80', 'two ports'],
    [' localhost', 'leading space'],
    ['localhost\n', 'a trailing newline'],
    ['', 'empty'],
    [undefined, 'absent'],
  ];
  for (const [host, why] of refused) {
    test(`refuses ${JSON.stringify(host)}: ${why}`, () => assert.equal(isLoopbackHost(host), false));
  }
});

describe('bearerToken', () => {
  test('reads the token of an Authorization: Bearer header', () => {
    assert.equal(bearerToken(`Bearer ${TOKEN}`), TOKEN);
    assert.equal(bearerToken('Bearer abc-DEF_123'), 'abc-DEF_123');
  });

  for (const header of [
    undefined,
    '',
    'Bearer',
    'Bearer ',
    `Basic ${Buffer.from('user:pass').toString('base64')}`,
    `Bearer ${TOKEN} extra`,
    `Bearer  ${TOKEN}`,
    `Bearer ${TOKEN}\n`,
    `Bearer ${'a'.repeat(513)}`,
    'Bearer a+b/c=',
  ]) {
    test(`finds no token in ${JSON.stringify(header)?.slice(0, 40)}`, () =>
      assert.equal(bearerToken(header), undefined));
  }
});

describe('tokenMatches', () => {
  test('is true only for the very token', () => {
    assert.equal(tokenMatches(TOKEN, TOKEN), true);
    assert.equal(tokenMatches(`${TOKEN.slice(0, 63)}b`, TOKEN), false, 'last character differs');
    assert.equal(tokenMatches(`b${TOKEN.slice(1)}`, TOKEN), false, 'first character differs');
    assert.equal(tokenMatches(TOKEN.toUpperCase(), TOKEN), false, 'case differs');
  });

  test('refuses other lengths without throwing (timingSafeEqual would on unequal buffers)', () => {
    assert.equal(tokenMatches(TOKEN.slice(0, 32), TOKEN), false);
    assert.equal(tokenMatches(`${TOKEN}a`, TOKEN), false);
    assert.equal(tokenMatches('', TOKEN), false);
  });
});

describe('checkUpgrade', () => {
  const good = { host: '127.0.0.1:4000', authorization: `Bearer ${TOKEN}` };
  const refused = (headers: UpgradeHeaders): Refusal => {
    const refusal = checkUpgrade(headers, TOKEN);
    assert.ok(refusal, `${JSON.stringify(headers)} must be refused`);
    return refusal;
  };

  test('accepts a loopback Host, no Origin and the token', () => {
    assert.equal(checkUpgrade(good, TOKEN), undefined);
    assert.equal(checkUpgrade({ ...good, host: 'localhost' }, TOKEN), undefined);
    assert.equal(checkUpgrade({ ...good, host: '[::1]:4000' }, TOKEN), undefined);
  });

  for (const host of ['evil.example', 'localhost6', '10.0.2.555', '0177.0.0.1', '2130706433']) {
    test(`refuses Host '${host}' with 403 naming it`, () => {
      const refusal = refused({ ...good, host });
      assert.equal(refusal.status, 403);
      assert.match(refusal.reason, new RegExp(`Host header '${host.replace(/\./g, '\\.')}' is not a loopback`));
    });
  }

  test('refuses a missing Host with 403', () => {
    const refusal = refused({ authorization: good.authorization });
    assert.equal(refusal.status, 403);
    assert.match(refusal.reason, /Host header '' is not a loopback/);
  });

  for (const origin of ['https://evil.example', 'http://localhost:3000', 'null']) {
    test(`refuses a browser Origin '${origin}' with 403 naming it`, () => {
      const refusal = refused({ ...good, origin });
      assert.equal(refusal.status, 403);
      assert.match(refusal.reason, /browser/);
      assert.ok(refusal.reason.includes(`'${origin}'`), refusal.reason);
    });
  }

  test('refuses a missing token with 401 saying where the token comes from', () => {
    const refusal = refused({ host: good.host });
    assert.equal(refusal.status, 401);
    assert.match(refusal.reason, /missing token: send Authorization: Bearer <token> from the discovery file/);
  });

  test('refuses a wrong token with 401 without echoing either token', () => {
    const wrong = 'b'.repeat(64);
    assert.deepEqual(refused({ ...good, authorization: `Bearer ${wrong}` }), { status: 401, reason: 'wrong token' });
  });

  test('checks Host and Origin before the token: a foreign page learns nothing about the token', () => {
    assert.equal(refused({ host: 'evil.example', authorization: 'Bearer nope' }).status, 403);
    assert.equal(refused({ host: 'localhost', origin: 'https://evil.example' }).status, 403);
  });
});
