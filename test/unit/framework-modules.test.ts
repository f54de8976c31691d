/**
 * A framework's ES module as the agent hands it on (registrations.ts, frameworkModuleCode): an
 * export the agent adapts (Hono's HonoBase) is rebound through the module's own binding, found
 * from the module's syntax, and only where the module may assign that binding; the code then
 * runs as an ES module and the rest of the framework sees the adapted export.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { assignableExportLocal } from '../../runtime-agent/src/code-server/live/rebind-export';
import { frameworkModuleCode } from '../../runtime-agent/src/code-server/live/registrations';
import { scratchFolder } from '../helpers/scratch';

test('the binding an export names is found where the module may assign it', () => {
  assert.equal(assignableExportLocal('var Hono = class Hono {};\nexport { Hono as HonoBase };', 'HonoBase'), 'Hono');
  assert.equal(assignableExportLocal('let Base = 1;\nexport { Base as HonoBase };', 'HonoBase'), 'Base');
  assert.equal(assignableExportLocal('class HonoBase {}\nexport { HonoBase };', 'HonoBase'), 'HonoBase');
  // Not assignable, not exported under that name, re-exported from elsewhere, or unreadable:
  assert.equal(assignableExportLocal('const Hono = class {};\nexport { Hono as HonoBase };', 'HonoBase'), undefined);
  assert.equal(assignableExportLocal('var Hono = class {};\nexport { Hono };', 'HonoBase'), undefined);
  assert.equal(assignableExportLocal("export { Hono as HonoBase } from './other.js';", 'HonoBase'), undefined);
  assert.equal(assignableExportLocal('export { Hono as HonoBase', 'HonoBase'), undefined);
});

/** Writes `code` as Hono's hono-base.js, as the agent gives it with `agent` as the agent's global, in a folder of its own. */
function frameworkModule(code: string, agent: string): string {
  const dir = scratchFolder('framework-module');
  const folder = join(dir, 'node_modules', 'hono', 'dist');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'hono', 'package.json'), '{"type":"module"}');
  const file = join(folder, 'hono-base.js');
  const url = pathToFileURL(file).href;
  writeFileSync(file, frameworkModuleCode(file, url, code, agent));
  return url;
}

const HONO_BASE = 'var Hono = class Hono { routes = []; };\nexport { Hono as HonoBase };\n';

test('Hono’s HonoBase export is what the agent made of it', async () => {
  const seen: unknown[] = [];
  const agent = {
    adaptFramework(_file: string, _namespace: unknown, rebound?: Record<string, unknown>) {
      seen.push(rebound?.HonoBase);
      const Base = rebound!.HonoBase as new () => object;
      rebound!.HonoBase = class Adapted extends Base {};
    },
  };
  (globalThis as Record<string, unknown>).__frameworkModulesTestAgent = agent;
  after(() => delete (globalThis as Record<string, unknown>).__frameworkModulesTestAgent);
  const namespace = (await import(frameworkModule(HONO_BASE, 'globalThis.__frameworkModulesTestAgent'))) as {
    HonoBase: new () => object;
  };
  assert.equal(seen.length, 1);
  assert.equal(namespace.HonoBase.name, 'Adapted');
  assert.ok(new namespace.HonoBase() instanceof (seen[0] as new () => object), 'it extends the module’s own class');
});

test('without the agent’s global (a module evaluated before the agent started), the module is as it was', async () => {
  const namespace = (await import(frameworkModule(HONO_BASE, 'globalThis.__noSuchAgent'))) as {
    HonoBase: { name: string };
  };
  assert.equal(namespace.HonoBase.name, 'Hono');
});
