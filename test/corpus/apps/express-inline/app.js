// A to-do API with everything in one file, as many small Express apps are written.
const express = require('express');

const PORT = Number(process.env.PORT) || 3000;
const PAGE_SIZE = 20;

const app = express();
app.use(express.json());

let nextId = 1;
const todos = [];

function formatTodo(todo) {
  return `#${todo.id} ${todo.title}${todo.done ? ' (done)' : ''}`;
}

app.get('/health', (req, res) => {
  res.json({ ok: true });
});

app.get('/', (req, res) => {
  const open = todos.filter((todo) => !todo.done).length;
  res.type('text').send(`Todo list: ${todos.length} items, ${open} open`);
});

app.get('/todos', (req, res) => {
  res.json({ pageSize: PAGE_SIZE, items: todos.slice(0, PAGE_SIZE).map(formatTodo) });
});

app.post('/todos', (req, res) => {
  const title = String(req.body?.title ?? '').trim();
  if (!title) return res.status(400).json({ error: 'title is required' });
  const todo = { id: nextId++, title, done: false };
  todos.push(todo);
  res.status(201).json(todo);
});

app.post('/todos/:id/done', (req, res) => {
  const todo = todos.find((t) => t.id === Number(req.params.id));
  if (!todo) return res.status(404).json({ error: 'no such todo' });
  todo.done = true;
  res.json(todo);
});

app.listen(PORT, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${PORT}`);
});
