import { Role, type NewUser, type User } from '../models/user';
import { HttpError } from '../utils/http-error';

export class UserService {
  private users: User[] = [];
  private nextId = 1;

  findAll(): User[] {
    return this.users;
  }

  findById(id: number): User {
    const user = this.users.find((u) => u.id === id);
    if (!user) throw new HttpError(404, `user ${id} not found`);
    return user;
  }

  create(input: NewUser): User {
    const user: User = {
      id: this.nextId++,
      name: input.name,
      email: input.email,
      role: input.role ?? Role.Member,
      createdAt: new Date().toISOString(),
    };
    this.users.push(user);
    return user;
  }
}

export default new UserService();
