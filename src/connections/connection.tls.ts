import { X509Certificate } from 'node:crypto';

/**
 * A connection's own trust for X3 servers with a self-signed or in-house certificate: one or
 * more CA certificates in PEM. A CA certificate is public, so it is stored in the settings and
 * summarised (never echoed whole) in the API.
 */

/** A few chained CAs fit in a few kilobytes; anything near this is not a CA bundle for one server. */
export const MAX_CA_PEM_CHARS = 64 * 1024;
export const MAX_CA_CERTIFICATES = 20;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

export type CaPemCheck = { ok: true; certificates: string[] } | { ok: false; reason: string };

/** Splits a pasted PEM text into its certificates, or says in plain words what is wrong with it. */
export function parseCaPem(text: string): CaPemCheck {
  const certificates: string[] = [];
  for (const [block, label] of text.matchAll(PEM_BLOCK)) {
    if (label !== 'CERTIFICATE') {
      return {
        ok: false,
        reason: /PRIVATE KEY/.test(label ?? '')
          ? 'this is a private key: paste the CA certificate (-----BEGIN CERTIFICATE-----), never a key'
          : `a "${label}" block is not a certificate: paste the CA certificate (-----BEGIN CERTIFICATE-----)`,
      };
    }
    try {
      new X509Certificate(block);
    } catch {
      return { ok: false, reason: `certificate ${certificates.length + 1} is not a valid PEM certificate` };
    }
    certificates.push(block);
  }
  if (certificates.length === 0) {
    return {
      ok: false,
      reason:
        'not a PEM certificate: paste the CA certificate including its -----BEGIN CERTIFICATE----- and -----END CERTIFICATE----- lines',
    };
  }
  if (certificates.length > MAX_CA_CERTIFICATES) {
    return { ok: false, reason: `at most ${MAX_CA_CERTIFICATES} certificates` };
  }
  return { ok: true, certificates };
}

/** The certificates alone, one after the other: text pasted around them is dropped. */
export function normalizeCaPem(text: string): string {
  const parsed = parseCaPem(text);
  if (!parsed.ok) throw new Error(`invalid CA certificate: ${parsed.reason}`);
  return `${parsed.certificates.join('\n')}\n`;
}

export interface CaCertificateSummary {
  subject: string;
  /** SHA-256 fingerprint, colon-separated hex, as browsers and `openssl x509 -fingerprint -sha256` show it. */
  sha256: string;
  notAfter: string;
}

/** Enough to recognise the stored certificates without printing them. */
export function summarizeCaPem(text: string): CaCertificateSummary[] {
  const parsed = parseCaPem(text);
  if (!parsed.ok) return [];
  return parsed.certificates.map((pem) => {
    const cert = new X509Certificate(pem);
    return {
      subject: cert.subject.split('\n').join(', '),
      sha256: cert.fingerprint256,
      notAfter: new Date(cert.validTo).toISOString(),
    };
  });
}
