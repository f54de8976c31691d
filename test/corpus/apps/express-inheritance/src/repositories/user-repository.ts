import { ValidationError } from '../errors';
import { BaseRepository, type Entity } from './base-repository';

export interface User extends Entity {
  name: string;
  email: string;
}

export class UserRepository extends BaseRepository<User> {
  protected readonly kind = 'user';

  findByEmail(email: string): User | undefined {
    return this.findAll().find((user) => user.email === email);
  }

  protected override validate(user: User): void {
    if (!user.email.includes('@')) throw new ValidationError('email must contain @');
  }
}
