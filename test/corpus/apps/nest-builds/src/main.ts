// A build dashboard's API: NestJS, its live updates as server-sent events (@Sse).
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule, { logger: ['error'] });
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port, '127.0.0.1');
  console.log(`builds on http://127.0.0.1:${port}`);
}
bootstrap();
