// The cattery: a NestJS app in the CLI's layout, compiled by tsc or run as it is with tsx.
import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule, { logger: ['error'] });
  // Validates every DTO whose type tsc recorded (design:paramtypes); tsx records none, so the
  // controllers also name their DTO in the @Body() pipe.
  app.useGlobalPipes(new ValidationPipe({ transform: true }));
  // Every answer names the build that served it.
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.setHeader('x-cattery-build', 'one');
    next();
  });
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port, '127.0.0.1');
  console.log(`cattery on http://127.0.0.1:${port}`);
}
bootstrap();
