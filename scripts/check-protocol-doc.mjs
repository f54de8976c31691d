// Keeps runtime-agent/PROTOCOL.md in step with runtime-agent/src/protocol.ts: the doc carries
// the SHA-256 of the protocol file, and this check fails when the two drift.
// `node scripts/check-protocol-doc.mjs --update` writes the new hash after the doc was revised.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const protocolFile = new URL('../runtime-agent/src/protocol.ts', import.meta.url);
const docFile = new URL('../runtime-agent/PROTOCOL.md', import.meta.url);
const hash = createHash('sha256').update(readFileSync(protocolFile)).digest('hex');
const doc = readFileSync(docFile, 'utf8');
const marker = /<!-- protocol\.ts sha256: ([0-9a-f]{64}) -->/;

if (process.argv.includes('--update')) {
  writeFileSync(docFile, doc.replace(marker, `<!-- protocol.ts sha256: ${hash} -->`));
  console.log(`PROTOCOL.md now records protocol.ts ${hash.slice(0, 12)}`);
} else if (marker.exec(doc)?.[1] !== hash) {
  console.error(
    'runtime-agent/PROTOCOL.md is out of date with runtime-agent/src/protocol.ts: revise the doc, then run\n' +
      '  node scripts/check-protocol-doc.mjs --update',
  );
  process.exit(1);
}
