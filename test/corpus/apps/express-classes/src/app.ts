// The class-based layout many TypeScript Express tutorials teach: an App class that wires
// middleware and controllers in its constructor, controllers that register their routes in
// theirs, and handlers written as arrow-function class fields.
import express from 'express';
import type { Controller } from './controller';
import { requestLogger } from './middleware/request-logger';

export class App {
  public app: express.Application;

  constructor(
    controllers: Controller[],
    private readonly port: number,
  ) {
    this.app = express();
    this.initializeMiddlewares();
    this.initializeControllers(controllers);
  }

  private initializeMiddlewares() {
    this.app.use(express.json());
    this.app.use(requestLogger);
    this.app.get('/health', (req, res) => {
      res.json({ ok: true });
    });
  }

  private initializeControllers(controllers: Controller[]) {
    controllers.forEach((controller) => {
      this.app.use('/', controller.router);
    });
  }

  public listen() {
    this.app.listen(this.port, '127.0.0.1', () => {
      console.log(`classes app on http://127.0.0.1:${this.port}`);
    });
  }
}
