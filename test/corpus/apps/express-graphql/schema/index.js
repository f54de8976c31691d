'use strict';
const { createSchema } = require('graphql-yoga');
const { typeDefs } = require('./type-defs');
const { resolvers } = require('./resolvers');

// Built once at startup: the type definitions are parsed and each resolver is set on its field.
exports.schema = createSchema({ typeDefs, resolvers });
