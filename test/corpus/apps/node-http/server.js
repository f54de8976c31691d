// A plain node:http service, no framework: one request listener passed inline to
// createServer, dispatching on a table of routes keyed by "METHOD /path"; JSON helpers in a
// module of their own; the notes in a class singleton's private fields.
'use strict';
const http = require('node:http');
const { readJson, sendJson } = require('./http-helpers');
const notes = require('./notes');

const PORT = Number(process.env.PORT ?? 3000);
const MAX_TEXT = 20;
let served = 0;

function listNotes(req, res) {
  sendJson(res, 200, { notes: notes.list().map((note) => note.text) });
}

async function addNote(req, res) {
  const { text } = await readJson(req);
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_TEXT) {
    return sendJson(res, 400, { error: `text must be 1 to ${MAX_TEXT} characters` });
  }
  sendJson(res, 201, notes.add(text));
}

function stats(req, res) {
  sendJson(res, 200, { notes: notes.list().length, served });
}

const routes = {
  'GET /notes': listNotes,
  'POST /notes': addNote,
  'GET /stats': stats,
  'GET /health': (req, res) => sendJson(res, 200, { ok: true }),
};

const server = http.createServer(async (req, res) => {
  served++;
  const { pathname } = new URL(req.url, 'http://localhost');
  const route = routes[`${req.method} ${pathname}`];
  try {
    if (route) await route(req, res);
    else sendJson(res, 404, { error: `no route for ${req.method} ${pathname}` });
  } catch (error) {
    sendJson(res, 500, { error: error.message });
  }
});

server.listen(PORT, '127.0.0.1', () => console.log(`listening on ${PORT}`));
