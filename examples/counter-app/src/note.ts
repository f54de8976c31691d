/** A note as the notes service keeps it: a file of types only, which compiles to nothing. */
export interface Note {
  text: string;
}
