import { z } from 'zod';
import { ApiError } from '../http/errors.js';
import type { Vault } from '../secrets/index.js';

/**
 * List cursors are sealed by the vault (authenticated encryption), bound to the connection,
 * the resource and the filters they were made for. A user can neither read nor forge one, so
 * nothing from a cursor reaches X3 unless x3bridge wrote it there itself.
 */
const payloadSchema = z.object({ v: z.literal(1), f: z.string(), p: z.string().max(8000) });

function scope(connectionId: string, resource: string): string {
  return `cursor:${connectionId}:${resource}`;
}

export function filtersKey(filters: Record<string, unknown>): string {
  const entries = Object.entries(filters)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(entries);
}

export function sealCursor(
  vault: Vault,
  connectionId: string,
  resource: string,
  filters: Record<string, unknown>,
  position: string,
): string {
  return vault.seal(
    JSON.stringify({ v: 1, f: filtersKey(filters), p: position }),
    scope(connectionId, resource),
  );
}

export function invalidCursor(): ApiError {
  return new ApiError(
    400,
    'invalid_query',
    'The cursor is not valid for this list: pass back the nextCursor of the previous page unchanged, with the same filters.',
    { fields: [{ field: 'cursor', message: 'not a cursor of this list' }] },
  );
}

/** The position a cursor holds, or 400 invalid_query when it was altered or made for another list. */
export function openCursor(
  vault: Vault,
  connectionId: string,
  resource: string,
  filters: Record<string, unknown>,
  cursor: string,
): string {
  if (cursor.length > 12_000) throw invalidCursor();
  let payload: z.infer<typeof payloadSchema>;
  try {
    payload = payloadSchema.parse(JSON.parse(vault.open(cursor, scope(connectionId, resource))));
  } catch {
    throw invalidCursor();
  }
  if (payload.f !== filtersKey(filters)) throw invalidCursor();
  return payload.p;
}
