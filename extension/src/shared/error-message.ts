/** What a thrown value says: an Error's message, anything else as a string (code can throw anything). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
