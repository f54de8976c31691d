// Dependencies passed by hand, as many apps do without a container: the entry builds a
// repository, a controller and the routers once, at startup, and hands each what it needs.
const express = require('express');
const { createUserRepo } = require('./repos/users');
const { UserController } = require('./controllers/users');
const { makeUserRoutes } = require('./routes/users');
const { makeHealthHandler } = require('./routes/health');

const users = createUserRepo();
const controller = new UserController(users);

const app = express();
app.use(express.json());
app.get('/health', makeHealthHandler({ name: 'factories' }));
app.use('/api/users', makeUserRoutes(users, controller));

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => console.log(`factories app on http://127.0.0.1:${port}`));
