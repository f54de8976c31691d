'use strict';

/** A URL-friendly form of a title. */
function slugify(title) {
  return String(title)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function excerpt(text, length = 20) {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}

module.exports = { slugify, excerpt };
