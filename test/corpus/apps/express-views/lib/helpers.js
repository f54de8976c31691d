// Helpers the views call, put in app.locals once at startup.
function formatPrice(cents) {
  return `$${(cents / 100).toFixed(2)}`;
}

function shout(text) {
  return String(text).toUpperCase();
}

module.exports = { formatPrice, shout };
