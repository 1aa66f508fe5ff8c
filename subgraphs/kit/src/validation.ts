import type { z } from 'zod';
import { UserInputError } from './errors.ts';

/**
 * Parses a mutation's input with a zod schema; every problem comes back at once as a user error
 * on its field (code INVALID), and the mutation is rolled back.
 */
export function validateInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.infer<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new UserInputError(
    result.error.issues.map((issue) => ({
      code: 'INVALID',
      message: issue.message,
      field: ['input', ...issue.path.map(String)],
    })),
  );
}
