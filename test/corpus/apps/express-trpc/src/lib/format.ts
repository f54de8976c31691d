export function formatTitle(title: string): string {
  return title.trim();
}

export function greeting(name: string): string {
  return `hello, ${name}`;
}
