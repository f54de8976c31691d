// Rules described once, at startup, from constants this module took from another, as validation
// helpers write them: the description is a constant computed from the copy.
const { MAX_TITLE_LENGTH } = require('./constants');

const TITLE_RULE = `titles of at most ${MAX_TITLE_LENGTH} characters`;

module.exports = { titleRule: TITLE_RULE };
