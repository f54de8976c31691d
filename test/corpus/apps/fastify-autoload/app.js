'use strict';
// The layout fastify-cli generates: the app is a plugin; @fastify/autoload registers every
// file of plugins/ (shared, not encapsulated) and of routes/ (a folder is a URL prefix).
const path = require('node:path');
const AutoLoad = require('@fastify/autoload');

module.exports = async function app(fastify, opts) {
  fastify.register(AutoLoad, { dir: path.join(__dirname, 'plugins'), options: { ...opts } });
  fastify.register(AutoLoad, { dir: path.join(__dirname, 'routes'), options: { ...opts } });
};
