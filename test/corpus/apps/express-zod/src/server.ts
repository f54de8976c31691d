// The entry: builds nothing itself, listens with the app another module made.
import { app } from './app.js';
import { config } from './config.js';

const port = Number(process.env.PORT ?? 3000);

app.listen(port, '127.0.0.1', () => {
  console.log(`${config.serviceName} listening on http://127.0.0.1:${port}`);
});
