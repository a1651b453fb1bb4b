import { z } from 'zod';

/** One problem with a request, with the path where it was found (`request.messages.0.role`). */
export const problemSchema = z.object({
  path: z.string(),
  message: z.string(),
  /** The job of a batch. */
  index: z.number().int().nonnegative().optional().meta({ description: 'the job of a batch' }),
});

export type Problem = z.infer<typeof problemSchema>;
