import { z } from 'zod';

function strict<S extends z.ZodRawShape>(shape: S, noun: string, plural: string, allowed: string) {
  const known = Object.keys(shape).join(', ') || 'none';
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown ${issue.keys.length > 1 ? plural : noun} ${issue.keys.map((k) => `"${k}"`).join(', ')} (${allowed}: ${known})`
        : undefined,
  });
}

/**
 * A request body that refuses unknown fields, naming them and the allowed ones: a misspelt
 * field dropped in silence (`timeoutms`) would leave a setting at its default without a word.
 */
export function strictBody<S extends z.ZodRawShape>(shape: S) {
  return strict(shape, 'field', 'fields', 'allowed');
}

/**
 * A query string that refuses unknown parameters: an ignored typo (`?updatedsince=`) would
 * answer with every record instead of the ones asked for.
 */
export function strictQuery<S extends z.ZodRawShape>(shape: S) {
  return strict(shape, 'query parameter', 'query parameters', 'this route takes');
}
