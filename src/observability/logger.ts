import type { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export type { Logger };

/** Field names whose values are secrets wherever they appear in a log line. */
export const SECRET_FIELDS = [
  'authorization',
  'Authorization',
  'cookie',
  'set-cookie',
  'clientSecret',
  'client_secret',
  'secret',
  'password',
  'passwd',
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'id_token',
  'token',
  'apiKey',
  'api_key',
  'privateKey',
  'masterKeys',
  'credentials',
  'credentials_sealed',
  'credentialsSealed',
  'databaseUrl',
  'connectionString',
];

// pino's redaction takes explicit paths (one wildcard level each), so spell out a few depths.
function redactPaths(): string[] {
  const paths: string[] = [];
  for (const field of SECRET_FIELDS) {
    const key = /^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`;
    const join = (prefix: string) => (key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`);
    paths.push(key.startsWith('[') ? key : field);
    paths.push(join('*'), join('*.*'), join('*.*.*'));
  }
  paths.push('req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]');
  return paths;
}

export function createLogger(options: { level: string; stream?: Writable; name?: string }): Logger {
  return pino(
    {
      level: options.level,
      name: options.name ?? 'x3bridge',
      redact: { paths: redactPaths(), censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.stream ?? process.stdout,
  );
}
