/** The app's errors: the handler in server.ts answers each with its status and code. */
export class AppError extends Error {
  status = 500;
  code = 'internal';
}

export class ValidationError extends AppError {
  status = 400;
  code = 'invalid';
}

export class NotFoundError extends AppError {
  status = 404;
  code = 'not_found';
}
