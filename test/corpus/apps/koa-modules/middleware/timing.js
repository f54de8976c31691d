// A middleware factory: the options are read once, when the entry calls it at startup.
export function timing({ header }) {
  return async (ctx, next) => {
    const started = performance.now();
    await next();
    ctx.set(header, `${(performance.now() - started).toFixed(1)}ms`);
  };
}
