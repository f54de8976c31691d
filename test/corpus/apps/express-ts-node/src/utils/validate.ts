import { Role, type NewUser } from '../models/user';
import { HttpError } from './http-error';

export function newUser(body: unknown): NewUser {
  const { name, email, role } = (body ?? {}) as Record<string, unknown>;
  if (typeof name !== 'string' || name.length < 2) throw new HttpError(400, 'name must have 2 characters or more');
  if (typeof email !== 'string' || !email.includes('@')) throw new HttpError(400, 'email is not valid');
  const roles = Object.values(Role) as string[];
  if (role !== undefined && (typeof role !== 'string' || !roles.includes(role))) {
    throw new HttpError(400, `role must be one of ${roles.join(', ')}`);
  }
  return { name, email, role: role as Role | undefined };
}
