import { z } from 'zod';

// Only the schema is exported: the modules that need its type infer it where they use it.
export const NoteSchema = z.object({
  text: z.string().trim().min(1, 'text is required'),
  pinned: z.boolean().default(false),
});
