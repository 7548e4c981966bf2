/**
 * Field messages from zod errors. Apart from the schemas (validators.ts and each form's):
 * the form frame and the target pickers use these helpers without loading zod. Pure.
 */
import type { z } from 'zod';

export interface FieldIssue {
  /** Dotted field path as the form names its inputs: "subsets.1.weight", "hosts.0". */
  path: string;
  message: string;
}

export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}
