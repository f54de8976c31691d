import { randomUUID } from 'node:crypto';
import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { UsersService } from '../users/users.service';
import type { Role } from './roles.decorator';

export interface SessionUser {
  username: string;
  roles: Role[];
}

@Injectable()
export class AuthService {
  /** Signed-in sessions by token, as a small app keeps them before it has a store. */
  private readonly sessions = new Map<string, SessionUser>();

  constructor(@Inject(UsersService) private readonly usersService: UsersService) {}

  signIn(username: string, password: string): { token: string; user: SessionUser } {
    const user = this.usersService.findOne(username);
    if (!user || user.password !== password) {
      throw new UnauthorizedException('Wrong username or password');
    }
    const token = randomUUID();
    const session = { username: user.username, roles: user.roles };
    this.sessions.set(token, session);
    return { token, user: session };
  }

  userFor(token: string | undefined): SessionUser | undefined {
    return token ? this.sessions.get(token) : undefined;
  }

  signOut(token: string | undefined): void {
    if (token) this.sessions.delete(token);
  }
}
