import { Injectable, NotFoundException } from '@nestjs/common';

export interface Note {
  id: number;
  author: string;
  text: string;
}

@Injectable()
export class NotesService {
  private readonly notes = new Map<number, Note>();
  private nextId = 1;

  add(author: string, text: string): Note {
    const note = { id: this.nextId++, author, text };
    this.notes.set(note.id, note);
    return note;
  }

  all(): Note[] {
    return [...this.notes.values()];
  }

  byAuthor(author: string): Note[] {
    return [...this.notes.values()].filter((note) => note.author === author);
  }

  get(id: number): Note {
    const note = this.notes.get(id);
    if (!note) throw new NotFoundException(`no note ${id}`);
    return note;
  }

  remove(id: number): Note {
    const note = this.get(id);
    this.notes.delete(id);
    return note;
  }
}
