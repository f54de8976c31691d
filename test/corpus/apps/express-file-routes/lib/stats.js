// Request counts in static fields: a class used as a namespace, never instantiated.
export class Stats {
  static hits = 0;
  static byPath = new Map();

  static record(path) {
    Stats.hits += 1;
    Stats.byPath.set(path, (Stats.byPath.get(path) ?? 0) + 1);
  }

  static snapshot() {
    return { hits: Stats.hits, paths: Stats.byPath.size };
  }
}
