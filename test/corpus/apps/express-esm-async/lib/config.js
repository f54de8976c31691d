// Settings read once, with a top-level await, before any module importing this one runs.
import { readFile } from 'node:fs/promises';

async function loadSettings() {
  const text = await readFile(new URL('../data/settings.json', import.meta.url), 'utf8');
  return JSON.parse(text);
}

export const settings = await loadSettings();

export function banner() {
  return `${settings.shopName}`;
}
