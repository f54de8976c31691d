// Notes behind a sign-in: NestJS's authentication recipe (a global guard, routes marked public,
// roles read from route metadata), an interceptor and an exception filter on every route.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { HttpErrorFilter } from './common/http-error.filter';

async function bootstrap() {
  const app = await NestFactory.create(AppModule, { logger: ['error'] });
  app.useGlobalFilters(new HttpErrorFilter());
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port, '127.0.0.1');
  console.log(`notes on http://127.0.0.1:${port}`);
}
bootstrap();
