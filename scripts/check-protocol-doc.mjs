// Keeps runtime-agent/PROTOCOL.md in step with the protocol's definitions (runtime-agent/src/protocol.ts
// and the files of src/protocol/ it exports): the doc carries their SHA-256, and this check fails
// when the two drift.
// `node scripts/check-protocol-doc.mjs --update` writes the new hash after the doc was revised.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

const source = new URL('../runtime-agent/src/', import.meta.url);
const protocolFiles = [
  'protocol.ts',
  ...readdirSync(new URL('protocol/', source))
    .sort()
    .map((name) => `protocol/${name}`),
];
const docFile = new URL('../runtime-agent/PROTOCOL.md', import.meta.url);
const digest = createHash('sha256');
for (const file of protocolFiles)
  digest
    .update(`${file}\0`)
    .update(readFileSync(new URL(file, source)))
    .update('\0');
const hash = digest.digest('hex');
const doc = readFileSync(docFile, 'utf8');
const marker = /<!-- protocol sha256: ([0-9a-f]{64}) -->/;

if (process.argv.includes('--update')) {
  writeFileSync(docFile, doc.replace(marker, `<!-- protocol sha256: ${hash} -->`));
  console.log(`PROTOCOL.md now records the protocol's ${hash.slice(0, 12)}`);
} else if (marker.exec(doc)?.[1] !== hash) {
  console.error(
    'runtime-agent/PROTOCOL.md is out of date with runtime-agent/src/protocol.ts and src/protocol/: revise the doc, then run\n' +
      '  node scripts/check-protocol-doc.mjs --update',
  );
  process.exit(1);
}
