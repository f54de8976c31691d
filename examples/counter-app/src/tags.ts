/** Tags kept in a module variable: a save keeps them, and a change of `Tag` asks for a migration. */
export const vsn = '1';

export interface Tag {
  name: string;
}

const tags: Tag[] = [];

export function addTag(name: string): void {
  tags.push({ name });
}

export function listTags(): Tag[] {
  return tags;
}
