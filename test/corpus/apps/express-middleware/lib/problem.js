'use strict';
// Errors as RFC 9457 problem details.
function problem(status, detail) {
  return { type: 'about:blank', status, detail };
}

module.exports = { problem };
