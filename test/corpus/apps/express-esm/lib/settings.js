// Settings as an ES module writes them: a constant computed from another at startup, and
// messages in a frozen object that reads a name held in a variable.
export const PAGE_SIZE = 20;
export const MAX_RESULTS = PAGE_SIZE * 5;

const APP_NAME = 'Notes';

export const MESSAGES = Object.freeze({
  welcome: `Welcome to ${APP_NAME}`,
  empty: 'nothing here yet',
});
