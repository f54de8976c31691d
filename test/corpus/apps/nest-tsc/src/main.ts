// A NestJS app in the CLI's layout: main.ts bootstraps AppModule, a feature module with a
// controller, a service holding state in a class field, and an interface for its items.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule, { logger: false });
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port, '127.0.0.1');
  console.log(`nest app on http://127.0.0.1:${port}`);
}
bootstrap();
