import { NotFoundError } from '../errors';

export interface Entity {
  id: number;
  createdAt: string;
}

/** What every repository does; each kind of record adds its lookups and its rules. */
export abstract class BaseRepository<T extends Entity> {
  protected readonly items = new Map<number, T>();
  private nextId = 1;
  protected abstract readonly kind: string;

  create(data: Omit<T, 'id' | 'createdAt'>): T {
    const item = { ...data, id: this.nextId++, createdAt: new Date().toISOString() } as T;
    this.validate(item);
    this.items.set(item.id, item);
    return item;
  }

  findAll(): T[] {
    return [...this.items.values()];
  }

  get(id: number): T {
    const item = this.items.get(id);
    if (!item) throw new NotFoundError(`no ${this.kind} ${id}`);
    return item;
  }

  describe(): string {
    return `${this.kind}: ${this.items.size}`;
  }

  protected validate(_item: T): void {}
}
