'use strict';
const express = require('express');
const { createYoga } = require('graphql-yoga');
const { schema } = require('./schema');
const { library } = require('./data/library');

let served = 0;

const yoga = createYoga({
  schema,
  graphiql: false,
  logging: false,
  // A context per request: the resolvers read the library and the request's number from it.
  context: () => ({ library, requestNumber: ++served }),
});

const app = express();
app.get('/health', (req, res) => res.json({ ok: true }));
app.use(yoga.graphqlEndpoint, yoga);

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => console.log(`graphql on http://127.0.0.1:${port}${yoga.graphqlEndpoint}`));
