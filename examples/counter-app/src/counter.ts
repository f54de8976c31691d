/** Module-level state: it survives every hot load of the other modules. */
let count = 0;

export function visit(): number {
  return ++count;
}

export function visits(): number {
  return count;
}
