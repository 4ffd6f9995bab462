import type { z } from 'zod';
import { AppError } from '../errors/index.ts';
import type { ValidationIssue } from '@steward/protocol';

/** Thrown for 422: carries the FastAPI-shaped issue list of spec §9.1. */
export class ValidationFailed extends AppError {
  readonly issues: ValidationIssue[];
  constructor(issues: ValidationIssue[]) {
    super('validation_error', { detail: issues.map((i) => `${i.loc.join('.')}: ${i.msg}`).join('; ') });
    this.issues = issues;
  }
}

/** Parses untrusted input against a protocol schema; 422 with every problem when it fails. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, location: 'body' | 'query' | 'path' | 'header'): z.infer<S> {
  const value = input === undefined || input === null ? {} : input;
  if (location === 'body' && (typeof value !== 'object' || Array.isArray(value))) {
    throw new ValidationFailed([{ loc: ['body'], msg: 'Input should be a JSON object', type: 'model_attributes_type' }]);
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationFailed(
    result.error.issues.map((issue) => ({
      loc: [location, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
      msg: issue.message,
      type: issue.code,
    })),
  );
}

/** An absolute http(s) URL, or 400 `invalid_url` naming the field (spec §1.11, §9.2). */
export function requireHttpUrl(value: string, field: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AppError('invalid_url', { detail: `Invalid URL format in '${field}': an absolute http(s) URL is required.` });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('invalid_url', { detail: `Invalid URL format in '${field}': only http and https URLs are allowed.` });
  }
  return url.href;
}
