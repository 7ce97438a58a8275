import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`. */
export const SIGNATURE_HEADER = 'X3bridge-Signature';

export function signWebhookPayload(secret: string, body: string, timestampSeconds: number): string {
  const t = Math.floor(timestampSeconds);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'malformed_header' | 'timestamp_outside_tolerance' | 'signature_mismatch' };

/**
 * Verifies a delivery as a consumer should: recompute the HMAC over `t + "." + raw body` with the
 * endpoint's secret, compare in constant time, and refuse a timestamp older (or newer) than
 * `toleranceSeconds` so that a captured delivery cannot be replayed later. Several `v1=` values
 * are accepted so that a secret can be rolled without downtime.
 *
 * @example
 *   const check = verifyWebhookSignature(secret, req.headers['x3bridge-signature'], rawBody, { toleranceSeconds: 300 });
 *   if (!check.ok) return res.writeHead(400).end();
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | string[] | undefined | null,
  body: string | Buffer,
  opts: { toleranceSeconds?: number; nowSeconds?: number } = {},
): SignatureCheck {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return { ok: false, reason: 'malformed_header' };
  let t: number | null = null;
  const signatures: string[] = [];
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const val = part.slice(eq + 1).trim();
    if (key === 't' && /^\d+$/.test(val)) t = Number(val);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(val)) signatures.push(val.toLowerCase());
  }
  if (t === null || signatures.length === 0) return { ok: false, reason: 'malformed_header' };
  const tolerance = opts.toleranceSeconds ?? 300;
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > tolerance) return { ok: false, reason: 'timestamp_outside_tolerance' };
  const expected = createHmac('sha256', secret)
    .update(`${t}.`)
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest();
  for (const sig of signatures) {
    const given = Buffer.from(sig, 'hex');
    if (given.length === expected.length && timingSafeEqual(given, expected))
      return { ok: true, timestamp: t };
  }
  return { ok: false, reason: 'signature_mismatch' };
}
