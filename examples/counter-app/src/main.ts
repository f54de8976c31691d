/**
 * The example app for Hotpatch: a small HTTP service written in TypeScript, compiled to
 * CommonJS with source maps, run with the agent (`npm start`). Edit src/greeting.ts while it
 * runs and hot-load it: the page changes, the visit count does not reset.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { visit, visits } from './counter';
import { greet, vsn } from './greeting';

const routes = new Map<string, (url: URL) => string>([
  ['/', (url) => `${greet(url.searchParams.get('name') ?? 'world')} (visit ${visit()}, greeting vsn ${vsn})\n`],
  ['/greet', (url) => `${greet(url.searchParams.get('name') ?? 'world')}\n`],
  ['/visits', () => `${visits()}\n`],
]);

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const route = routes.get(url.pathname);
  response.writeHead(route ? 200 : 404, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(route ? route(url) : 'not found\n');
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`counter-app listening on http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
});
