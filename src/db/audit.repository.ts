import { newId } from './ids.js';
import type { DbExecutor } from './store.js';

export interface AuditEventInput {
  environmentId: string | null;
  /** Who did it: `api_key:key_…`, `cli`, `system`. */
  actor: string;
  /** `connection.created`, `api_key.revoked`, … */
  action: string;
  subjectType: string;
  subjectId?: string | null;
  /** Facts about the change. Never a secret: the audit log is read by people. */
  data?: Record<string, unknown>;
}

/** Appends one audit event; pass the transaction that makes the change so both commit together. */
export async function recordAuditEvent(db: DbExecutor, event: AuditEventInput): Promise<string> {
  const id = newId('aud');
  await db
    .insertInto('audit_events')
    .values({
      id,
      environment_id: event.environmentId,
      actor: event.actor,
      action: event.action,
      subject_type: event.subjectType,
      subject_id: event.subjectId ?? null,
      data: JSON.stringify(event.data ?? {}),
    })
    .execute();
  return id;
}
