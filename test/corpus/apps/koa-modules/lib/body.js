// Koa has no body parser of its own: the JSON body of a request, {} when there is none.
export async function readJson(ctx) {
  let raw = '';
  for await (const chunk of ctx.req) raw += chunk;
  return raw ? JSON.parse(raw) : {};
}
