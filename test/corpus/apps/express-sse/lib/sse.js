'use strict';
// The wire format of server-sent events: https://html.spec.whatwg.org/multipage/server-sent-events.html

let nextEventId = 1;

/** Starts an event stream on `res`: the headers, then how long a client waits to reconnect. */
function openStream(res) {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.write('retry: 2000\n\n');
}

/** One event: its type, an id a reconnecting client sends back, its data as JSON on one line. */
function formatEvent(type, data) {
  return `event: ${type}\nid: ${nextEventId++}\ndata: ${JSON.stringify(data)}\n\n`;
}

module.exports = { openStream, formatEvent };
