import type { Connection, ConnectionApi } from './connection.js';
import { summarizeCaPem } from './connection.tls.js';

/** Domain → API. A Connection holds no secret, so nothing here can print one. */
export function formatConnection(c: Connection): ConnectionApi {
  const s = c.settings;
  return {
    id: c.id,
    name: c.name,
    externalId: c.externalId,
    baseUrl: c.baseUrl,
    folder: c.folder,
    auth: { type: c.authType, clientIdHint: c.clientIdHint },
    settings: {
      ...(s.timeoutMs !== undefined ? { timeoutMs: s.timeoutMs } : {}),
      ...(s.concurrency !== undefined ? { concurrency: s.concurrency } : {}),
      ...(s.tokenUrl !== undefined ? { tokenUrl: s.tokenUrl } : {}),
      ...(s.scope !== undefined ? { scope: s.scope } : {}),
      ...(s.tokenEndpointAuthMethod !== undefined
        ? { tokenEndpointAuthMethod: s.tokenEndpointAuthMethod }
        : {}),
      ...(s.audience !== undefined ? { audience: s.audience } : {}),
      ...(s.lifetimeSeconds !== undefined ? { lifetimeSeconds: s.lifetimeSeconds } : {}),
      ...(s.tls?.ca !== undefined ? { tls: { certificates: summarizeCaPem(s.tls.ca) } } : {}),
    },
    status: c.status,
    lastCheckedAt: c.lastCheckedAt ? c.lastCheckedAt.toISOString() : null,
    lastError: c.lastError,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}
