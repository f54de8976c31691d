// A catalogue API in the shape of NestJS's database recipe: TypeORM entities with a relation,
// repositories injected into services, a DataSource transaction, DTOs checked by a global
// ValidationPipe. The database is SQLite in memory (sql.js), made and synchronized at startup.
import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule, { logger: ['error'] });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, transform: true }));
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port, '127.0.0.1');
  console.log(`catalogue on http://127.0.0.1:${port}`);
}
bootstrap();
