// The articles, in memory.
const { DEFAULT_STATUS } = require('../lib/constants');

const articles = [];
let nextId = 1;

function add({ title, body }) {
  const article = { id: nextId++, title, body: body || '', status: DEFAULT_STATUS };
  articles.push(article);
  return article;
}

function page(offset, limit) {
  return articles.slice(offset, offset + limit);
}

function byTitle(title) {
  return articles.find((article) => article.title === title);
}

module.exports = { add, page, byTitle, count: () => articles.length };
