import type { CorpusApp, HttpRequest } from '../lib/types';

/** An event read from the stream the subscriber opened before the edit, after `trigger` (if any). */
const onOpenStream = (event: string, trigger?: HttpRequest): HttpRequest => ({
  path: '/events',
  eventStream: { stream: 'subscriber', event, ...(trigger ? { trigger } : {}) },
});
/** The item event of a probe's new item, read from that stream. */
const published = (text: string): HttpRequest => onOpenStream(text, { method: 'POST', path: '/items', body: { text } });

/**
 * A live feed over server-sent events: each subscriber's response stays open, with a heartbeat
 * timer of its own (a closure made when the stream opened); a listener registered at startup
 * writes every item published to all of them; the items in a class's private fields, the
 * subscribers in a map in the entry file. The probes read a stream opened before the edit: what
 * the app's existing subscribers get, which a restart cuts off.
 */
export const expressSse: CorpusApp = {
  dir: 'express-sse',
  entries: [{ name: 'express-sse', kind: 'cjs', main: ['server.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/items', body: { text: 'kept-{n}' } }, published('seen-{n}')],
    // The stream opened before the edit is still the one subscriber: not dropped, not doubled.
    probes: [
      { path: '/items', includes: ['"kept-{n}"', '"seen-{n}"'] },
      { path: '/health', includes: ['"subscribers":1'] },
    ],
  },
  edits: [
    {
      name: 'the event format every subscriber gets (a helper in its own module)',
      file: 'lib/sse.js',
      replace: [['data: ${JSON.stringify(data)}', 'data: ${JSON.stringify({ type, ...data })}']],
      live: [{ ...published('probe-{n}'), includes: ['"type":"item"'] }],
    },
    {
      name: 'what each published item sends (the listener registered at startup)',
      file: 'server.js',
      replace: [
        [
          "feed.on('published', (item) => broadcast('item', item));",
          "feed.on('published', (item) => broadcast('item', { ...item, length: item.text.length }));",
        ],
      ],
      live: [{ ...published('probe-{n}'), includes: ['"length":'] }],
    },
    {
      name: "the heartbeat of each open stream (its timer's callback, made when the stream opened)",
      file: 'server.js',
      replace: [
        [
          "    res.write(': keep-alive\\n\\n');",
          "    res.write(formatEvent('heartbeat', { subscriber: subscriber.id, subscribers: subscribers.size }));",
        ],
      ],
      live: [{ ...onOpenStream('event: heartbeat'), includes: ['"subscribers":1'] }],
    },
    {
      name: 'a method of the feed class (private fields)',
      file: 'lib/feed.js',
      replace: [
        [
          'const item = { id: this.#nextId++, text, author, at: new Date().toISOString() };',
          'const item = { id: this.#nextId++, text, author, words: text.split(/\\s+/).length, at: new Date().toISOString() };',
        ],
      ],
      live: [
        { method: 'POST', path: '/items', body: { text: 'two words' }, status: 201, includes: ['"words":2'] },
        { ...published('probe-{n}'), includes: ['"words":1'] },
      ],
    },
    {
      name: 'a new route reading the subscribers map',
      file: 'server.js',
      replace: [
        [
          "app.get('/items',",
          "app.get('/subscribers', (req, res) =>\n  res.json({ subscribers: [...subscribers.values()].map(({ id, since }) => ({ id, since })) }),\n);\n\napp.get('/items',",
        ],
      ],
      live: [{ path: '/subscribers', includes: ['"subscribers":[{"id":'] }],
    },
    {
      name: 'a new kind of event: a method that emits it, a listener and a route added next to the others',
      file: 'lib/feed.js',
      replace: [
        [
          '  recent(limit) {',
          "  react(id, emoji) {\n    const item = this.#items.find((candidate) => candidate.id === id);\n    if (!item) return undefined;\n    this.emit('reacted', { id, emoji });\n    return item;\n  }\n\n  recent(limit) {",
        ],
      ],
      also: [
        {
          file: 'server.js',
          replace: [
            [
              "feed.on('published',",
              "feed.on('reacted', (reaction) => broadcast('reaction', reaction));\nfeed.on('published',",
            ],
            [
              "app.post('/items', (req, res) => {",
              "app.post('/items/:id/reactions', (req, res) => {\n  const item = feed.react(Number(req.params.id), String(req.body.emoji ?? '+1'));\n  if (!item) {\n    res.status(404).json({ error: 'no such item' });\n    return;\n  }\n  res.status(201).json({ reacted: item.id });\n});\n\napp.post('/items', (req, res) => {",
            ],
          ],
        },
      ],
      live: [
        {
          ...onOpenStream('event: reaction', { method: 'POST', path: '/items/1/reactions', body: { emoji: 'tada' } }),
          includes: ['"emoji":"tada"'],
        },
      ],
    },
    {
      name: 'syntax error (the event format)',
      file: 'lib/sse.js',
      syntaxError: true,
      replace: [['function formatEvent(type, data) {', 'function formatEvent(type, data) {{']],
      unchanged: ['/items?limit=1'],
    },
    {
      name: 'syntax error fixed, items marked fresh',
      file: 'lib/sse.js',
      replace: [
        [
          'function formatEvent(type, data) {{',
          "function formatEvent(type, data) {\n  if (type === 'item') data = { ...data, fresh: true };",
        ],
      ],
      live: [{ ...published('probe-{n}'), includes: ['"fresh":true'] }],
    },
  ],
};
