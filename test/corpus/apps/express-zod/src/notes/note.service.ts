import type { z } from 'zod';
import type { NoteSchema } from './note.schema.js';

type NoteInput = z.infer<typeof NoteSchema>;
type Note = NoteInput & { id: number };

// The notes, in the field of a store made once: their type is the schema's, inferred here.
class NoteStore {
  notes: Note[] = [];

  add(input: NoteInput): Note {
    const note = { id: this.notes.length + 1, ...input };
    this.notes.push(note);
    return note;
  }
}

export const noteStore = new NoteStore();
