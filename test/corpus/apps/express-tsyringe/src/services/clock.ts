import { injectable } from 'tsyringe';

@injectable()
export class Clock {
  now(): string {
    return new Date().toISOString();
  }
}
