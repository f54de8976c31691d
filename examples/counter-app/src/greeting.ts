/** Edit me while the app runs, then hot-load: `npx hotpatch load examples/counter-app/src/greeting.ts`. */
export const vsn = '1';

export function greet(name: string): string {
  return `Hello, ${name}!`;
}
