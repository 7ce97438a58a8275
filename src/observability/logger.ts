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

const SECRET_KEYS = new Set(SECRET_FIELDS.map((f) => f.toLowerCase()));
const CENSOR = '[redacted]';
// Deep enough for any object this code logs (request, connection, X3 call details); past it
// whole subtrees are replaced rather than walked.
const MAX_DEPTH = 6;

function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase());
}

/**
 * Returns `value` with every secret-named field censored, at any depth, copying only the
 * objects on the way to a secret: a log object without secrets is returned as it is, so the
 * common case costs one walk and no allocation. (pino's own `redact` takes explicit paths, and
 * a wildcard path per field and depth made every log line several times dearer.)
 */
export function scrubSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const clean = scrubSecrets(item, depth + 1);
      if (clean !== item) (copy ??= value.slice())[i] = clean;
    }
    return copy ?? value;
  }
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  let copy: Record<string, unknown> | null = null;
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const item = source[key];
    const clean =
      isSecretKey(key) && item !== undefined && item !== null ? CENSOR : scrubSecrets(item, depth + 1);
    if (clean !== item) {
      if (!copy) {
        // An error stays an error (same prototype, message and stack) for pino's serializer.
        copy =
          value instanceof Error
            ? Object.assign(
                Object.create(Object.getPrototypeOf(value) as object) as Record<string, unknown>,
                source,
                {
                  message: value.message,
                  stack: value.stack,
                },
              )
            : { ...source };
      }
      copy[key] = clean;
    }
  }
  return copy ?? value;
}

export function createLogger(options: { level: string; stream?: Writable; name?: string }): Logger {
  const logger = pino(
    {
      level: options.level,
      name: options.name ?? 'x3bridge',
      formatters: { log: (object) => scrubSecrets(object) as Record<string, unknown> },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.stream ?? process.stdout,
  );
  // Child bindings do not pass through formatters.log; children inherit `child` from their
  // parent, so scrubbing here covers every descendant.
  const child = logger.child;
  logger.child = function scrubbedChild(this: Logger, bindings, childOptions) {
    return child.call(this, scrubSecrets(bindings) as typeof bindings, childOptions);
  } as typeof logger.child;
  return logger;
}
