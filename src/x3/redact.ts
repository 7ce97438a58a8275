const TOKEN_PATTERNS = [
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g,
  /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g,
];

/** Removes the connection's secrets, and anything shaped like a credential, from text X3 sent back. */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const known = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  return (text: string): string => {
    let out = text;
    for (const secret of known) out = out.split(secret).join('[redacted]');
    for (const pattern of TOKEN_PATTERNS)
      out = out.replace(pattern, (m) =>
        m.startsWith('eyJ') ? '[redacted]' : `${m.split(/\s/)[0]} [redacted]`,
      );
    return out;
  };
}
