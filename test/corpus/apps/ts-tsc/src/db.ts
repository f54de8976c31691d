// A connection the app opens at startup, exported as the variable connect() assigns: the shape
// of `export let pool` / `export let client` modules. Importers read the binding when they need it.
export let pool: { driver: string; openedAt: string } | null = null;

export async function connect(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  pool = { driver: 'memory', openedAt: new Date().toISOString() };
}
