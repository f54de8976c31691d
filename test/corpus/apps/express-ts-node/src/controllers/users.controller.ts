import type { NextFunction, Request, Response } from 'express';
import config from '../config';
import userService from '../services/user.service';
import * as validate from '../utils/validate';

export async function listUsers(_req: Request, res: Response) {
  res.json(userService.findAll().slice(0, config.pageSize));
}

export async function getUser(req: Request, res: Response, next: NextFunction) {
  try {
    res.json(userService.findById(Number(req.params.id)));
  } catch (error) {
    next(error);
  }
}

export async function createUser(req: Request, res: Response, next: NextFunction) {
  try {
    const input = validate.newUser(req.body);
    res.status(201).json(userService.create(input));
  } catch (error) {
    next(error);
  }
}
