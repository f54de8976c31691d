/**
 * The example app for Hotpatch: a small HTTP service written in TypeScript, compiled to
 * CommonJS with source maps, run with the agent (`npm start`). Edit src/greeting.ts or
 * src/visits.ts while it runs and hot-load it: the page changes, the visit count does not reset.
 */
import { call, spawn, supervise } from 'hotpatch-agent';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { greet, vsn } from './greeting';
import { NotesService } from './notes.service';
import { addTag, listTags } from './tags';
import { visits, type State, type VisitsCall } from './visits';

// The visits server runs under a supervisor: if it crashes, or a purge kills it, it restarts.
supervise([{ id: 'visits', start: () => spawn(visits, undefined, { name: 'visits' }) }], {
  strategy: 'one_for_one',
});

const visit = (message: VisitsCall): Promise<State> => call<State>('visits', message);
const notes = new NotesService();

const routes = new Map<string, (url: URL) => Promise<string>>([
  [
    '/',
    async (url) => {
      const name = url.searchParams.get('name') ?? 'world';
      const state = await visit({ type: 'visit', name });
      return `${greet(name)} (visit ${state.count}, greeting vsn ${vsn}; recent: ${state.history.join(', ')})\n`;
    },
  ],
  ['/greet', async (url) => `${greet(url.searchParams.get('name') ?? 'world')}\n`],
  ['/visits', async () => `${JSON.stringify(await visit({ type: 'get' }))}\n`],
  [
    '/notes',
    async (url) => {
      const text = url.searchParams.get('add');
      if (text) notes.add(text);
      return `${JSON.stringify(notes.all())}\n`;
    },
  ],
  [
    '/tags',
    async (url) => {
      const name = url.searchParams.get('add');
      if (name) addTag(name);
      return `${JSON.stringify(listTags())}\n`;
    },
  ],
]);

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const route = routes.get(url.pathname);
  if (!route) {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  route(url).then(
    (body) => response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end(body),
    (error: unknown) => response.writeHead(500).end(`${String(error)}\n`),
  );
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`counter-app listening on http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
});
