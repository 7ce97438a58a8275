// Shown beside a new webhook's secret. A test runs this very text against the server's signer,
// so the screen never teaches a check that does not work.
export const verifySnippet = `import { createHmac, timingSafeEqual } from 'node:crypto';

// rawBody: the request body exactly as received (Buffer or string), before JSON.parse.
// header: the X3bridge-Signature request header, "t=<unix seconds>,v1=<hex HMAC-SHA256>".
function verifyX3bridge(rawBody, header, secret) {
  const parts = Object.fromEntries(String(header).split(',').map((p) => p.trim().split('=')));
  const t = Number(parts.t);
  // Older than five minutes: a replay, refuse it.
  if (!t || Math.abs(Date.now() / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(t + '.').update(rawBody).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}`;
