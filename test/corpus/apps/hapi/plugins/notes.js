// A hapi plugin: its register function adds its routes and keeps its data in its closure, as
// plugins made for one app usually do.
'use strict';

const { excerpt } = require('../lib/text');

exports.plugin = {
  name: 'notes',
  version: '1.0.0',
  register: async (server, options) => {
    const notes = [];

    server.route({
      method: 'GET',
      path: '/notes',
      handler: () => notes.map((note) => ({ id: note.id, text: excerpt(note.text) })),
    });

    server.route({
      method: 'POST',
      path: '/notes',
      handler: (request, h) => {
        if (notes.length >= options.maxNotes) return h.response({ error: 'too many notes' }).code(409);
        const note = { id: notes.length + 1, text: String(request.payload?.text ?? '') };
        notes.push(note);
        return h.response(note).code(201);
      },
    });
  },
};
