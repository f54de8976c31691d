import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthService } from './auth.service';
import { IS_PUBLIC_KEY } from './public.decorator';
import { ROLES_KEY, type Role } from './roles.decorator';

/** The session token from the request's cookie. */
export function tokenOf(request: Request): string | undefined {
  const cookie = request.headers.cookie ?? '';
  for (const part of cookie.split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === 'session') return value;
  }
  return undefined;
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AuthService) private readonly authService: AuthService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest();
    const user = this.authService.userFor(tokenOf(request));
    if (!user) throw new UnauthorizedException('Sign in first');
    request.user = user;
    const roles = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets);
    if (roles && !roles.some((role) => user.roles.includes(role))) {
      throw new ForbiddenException(`Needs the role ${roles.join(' or ')}`);
    }
    return true;
  }
}
