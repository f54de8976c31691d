// Users in memory, as a model module keeps them before a database is wired in.
const crypto = require('node:crypto');

const users = [];
let nextId = 1;

function hashPassword(password, salt) {
  return crypto.scryptSync(password, salt, 32).toString('hex');
}

function create({ name, email, password }) {
  const salt = crypto.randomBytes(8).toString('hex');
  const user = { id: nextId++, name, email, salt, hash: hashPassword(password, salt) };
  users.push(user);
  return user;
}

function findByEmail(email) {
  return users.find((user) => user.email === email);
}

function findById(id) {
  return users.find((user) => user.id === id);
}

function passwordMatches(user, password) {
  return hashPassword(password, user.salt) === user.hash;
}

function publicView(user) {
  return { id: user.id, name: user.name, email: user.email };
}

function count() {
  return users.length;
}

module.exports = { create, findByEmail, findById, passwordMatches, publicView, count };
