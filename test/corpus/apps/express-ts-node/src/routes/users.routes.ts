import { Router } from 'express';
import * as users from '../controllers/users.controller';

export const usersRouter = Router();

usersRouter.get('/', users.listUsers);
usersRouter.get('/:id', users.getUser);
usersRouter.post('/', users.createUser);
