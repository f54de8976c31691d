import { Injectable } from '@nestjs/common';
import type { Role } from '../auth/roles.decorator';

export interface User {
  username: string;
  password: string;
  roles: Role[];
}

@Injectable()
export class UsersService {
  private readonly users: User[] = [
    { username: 'ada', password: 'ada-pass', roles: ['admin', 'member'] },
    { username: 'max', password: 'max-pass', roles: ['member'] },
  ];

  findOne(username: string): User | undefined {
    return this.users.find((user) => user.username === username);
  }
}
