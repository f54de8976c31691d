export enum Role {
  Admin = 'admin',
  Member = 'member',
}

export interface User {
  id: number;
  name: string;
  email: string;
  role: Role;
  createdAt: string;
}

export type NewUser = Pick<User, 'name' | 'email'> & { role?: Role };
