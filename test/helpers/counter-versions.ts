/** Versions of the `servers` fixture's counter.js that the migration tests load. */

/** Version 2 of the fixture's counter.js, with the given codeChange body `(from, state, extra)`. */
export const counterWith = (codeChange: string, options: { async?: boolean } = {}): string => `
const { defineServer } = require('hotpatch-agent');
exports.vsn = '2';
exports.counter = defineServer({
  init: (args) => ({ count: 0, poison: Boolean(args?.poison) }),
  handleCall(message, state) {
    if (message.op === 'inc') return { reply: { count: state.count + 1, vsn: '2' }, state: { ...state, count: state.count + 1 } };
    return { reply: { ...state, vsn: '2' }, state };
  },
  ${options.async ? 'async ' : ''}codeChange(from, state, extra) {
    ${codeChange}
  },
});
`;
