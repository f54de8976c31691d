// The entry: services registered once in an awilix container (singletons resolved on first
// use), a request scope per request, routers made by factories that resolve from the scope.
const express = require('express');
const { createContainer, asClass, asFunction, asValue } = require('awilix');
const { TodoService } = require('./services/todo-service');
const { makeAuditLog } = require('./services/audit-log');
const { makeTodoRouter } = require('./routes/todos');

const container = createContainer({ strict: true });
container.register({
  config: asValue({ maxTodos: 50 }),
  clock: asFunction(() => () => Date.now()).singleton(),
  auditLog: asFunction(makeAuditLog).singleton(),
  todoService: asClass(TodoService).singleton(),
});

const app = express();
app.use(express.json());
let requests = 0;
app.use((req, res, next) => {
  requests += 1;
  req.scope = container.createScope();
  req.scope.register({ requestId: asValue(`req-${requests}`) });
  next();
});

app.get('/health', (req, res) => res.send('ok'));
app.use('/todos', makeTodoRouter());
app.get('/audit', (req, res) => res.json(req.scope.resolve('auditLog').recent()));
app.get('/config', (req, res) => res.json(req.scope.resolve('config')));

const port = process.env.PORT || 3000;
app.listen(port, '127.0.0.1', () => {
  console.log(`todos listening on http://127.0.0.1:${port}`);
});
