import { isIP } from 'node:net';
import { z } from 'zod';
import { KeyRingFormatError, parseKeyRing } from './secrets/key-ring.js';

/**
 * The service's whole configuration. This module is the only reader of the environment:
 * everything else receives an AppConfig.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | X3BRIDGE_PORT | 3000 | HTTP port (0 picks a free one) |
 * | X3BRIDGE_HOST | 127.0.0.1 | listen address; loopback by default so a fresh install is not exposed by accident (set 0.0.0.0 in containers) |
 * | X3BRIDGE_DATA_DIR | ./.x3bridge | embedded database, lock file and master key file |
 * | DATABASE_URL | unset | postgres://… switches from embedded PGlite to a Postgres server |
 * | X3BRIDGE_MASTER_KEYS | unset | key ring `id1:base64key1,id2:base64key2`, newest last, each key 32 bytes (`openssl rand -base64 32`); unset means a key file in the data folder |
 * | X3BRIDGE_ALLOW_PRIVATE_HOSTS | unset | comma-separated host names, IPs or CIDRs that X3 base URLs may point at although private or loopback; `*` allows all |
 * | X3BRIDGE_ROLE | all | all, api (HTTP only, sends jobs) or worker (runs jobs) |
 * | X3BRIDGE_DEMO | false | start the simulator and the demo connection |
 * | X3BRIDGE_PUBLIC_URL | unset | the URL users reach the server at, for links and webhooks |
 * | LOG_LEVEL | info | fatal, error, warn, info, debug, trace or silent |
 * | CI | unset | set by CI systems: no progress bars |
 * | X3BRIDGE_API_URL | unset | `x3bridge export` reads through this running server's HTTP API (as `--api`) instead of opening the store |
 * | X3BRIDGE_API_KEY | unset | the API key `x3bridge export --api` sends (as `--api-key`) |
 */
export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  masterKeys: string | null;
  allowPrivateHosts: string[];
  logLevel: string;
  role: 'all' | 'api' | 'worker';
  demo: boolean;
  publicUrl: string | null;
  /** Running under CI (`CI` set and not false): no progress bars or other terminal niceties. */
  ci?: boolean;
  /** A running server's URL: `x3bridge export` reads through its HTTP API (X3BRIDGE_API_URL). */
  apiUrl?: string;
  /** The API key sent to that server (X3BRIDGE_API_KEY); a secret, never shown. */
  apiKey?: string;
  /** True when LOG_LEVEL was given (the demo keeps its terminal quiet unless it was). */
  logLevelGiven?: boolean;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const ROLES = ['all', 'api', 'worker'] as const;

export interface ConfigIssue {
  variable: string;
  message: string;
}

/** Lists every bad variable at once; never echoes a value (several of them are secrets). */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly issues: ConfigIssue[]) {
    super(`invalid configuration:\n${issues.map((i) => `  - ${i.variable}: ${i.message}`).join('\n')}`);
  }
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalText = z.preprocess(blankToUndefined, z.string().trim().optional());

const port = z.coerce
  .number({ error: 'must be a whole number between 0 and 65535' })
  .int('must be a whole number between 0 and 65535')
  .min(0, 'must be a whole number between 0 and 65535')
  .max(65535, 'must be a whole number between 0 and 65535');

function isCidrOrHost(entry: string): boolean {
  if (entry === '*') return true;
  const slash = entry.indexOf('/');
  if (slash >= 0) {
    const ip = entry.slice(0, slash);
    const bits = Number(entry.slice(slash + 1));
    const family = isIP(ip);
    if (family === 0 || !Number.isInteger(bits) || bits < 0) return false;
    return bits <= (family === 4 ? 32 : 128);
  }
  return isIP(entry) !== 0 || /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(entry);
}

const envSchema = z.object({
  X3BRIDGE_PORT: z.preprocess(blankToUndefined, port.default(3000)),
  X3BRIDGE_HOST: z.preprocess(blankToUndefined, z.string().trim().default('127.0.0.1')),
  X3BRIDGE_DATA_DIR: z.preprocess(blankToUndefined, z.string().trim().default('./.x3bridge')),
  DATABASE_URL: optionalText.refine(
    (v) => v === undefined || /^postgres(ql)?:\/\/.+/.test(v),
    'must be a postgres:// or postgresql:// URL',
  ),
  X3BRIDGE_MASTER_KEYS: z.preprocess(blankToUndefined, z.string().optional()).superRefine((v, ctx) => {
    if (v === undefined) return;
    try {
      parseKeyRing(v);
    } catch (err) {
      if (!(err instanceof KeyRingFormatError)) throw err;
      ctx.addIssue({
        code: 'custom',
        message: `${err.message} (expected id1:base64key1,id2:base64key2, newest last)`,
      });
    }
  }),
  X3BRIDGE_ALLOW_PRIVATE_HOSTS: z
    .preprocess(blankToUndefined, z.string().optional())
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    )
    .superRefine((hosts, ctx) => {
      const bad = hosts.filter((h) => !isCidrOrHost(h));
      if (bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `not a host name, IP address or CIDR: ${bad.join(', ')}`,
        });
      }
    }),
  LOG_LEVEL: z.preprocess(
    (v) => (typeof v === 'string' ? blankToUndefined(v.toLowerCase()) : v),
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  ),
  X3BRIDGE_ROLE: z.preprocess(
    blankToUndefined,
    z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }).default('all'),
  ),
  X3BRIDGE_DEMO: z.preprocess(
    blankToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  ),
  X3BRIDGE_PUBLIC_URL: optionalText.refine(
    (v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v),
    'must be an http:// or https:// URL',
  ),
  X3BRIDGE_API_URL: optionalText.refine(
    (v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v),
    'must be an http:// or https:// URL',
  ),
  X3BRIDGE_API_KEY: optionalText,
});

/**
 * Reads the configuration from `env` (default: the process environment); `overrides` (command
 * line flags) win over variables. Throws one ConfigError naming every bad variable.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<AppConfig> = {},
): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const byVariable = new Map<string, string[]>();
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? 'environment');
      byVariable.set(variable, [...(byVariable.get(variable) ?? []), issue.message]);
    }
    throw new ConfigError(
      [...byVariable].map(([variable, messages]) => ({ variable, message: messages.join('; ') })),
    );
  }
  const e = parsed.data;
  const config: AppConfig = {
    port: e.X3BRIDGE_PORT,
    host: e.X3BRIDGE_HOST,
    dataDir: e.X3BRIDGE_DATA_DIR,
    databaseUrl: e.DATABASE_URL ?? null,
    masterKeys: e.X3BRIDGE_MASTER_KEYS ?? null,
    allowPrivateHosts: e.X3BRIDGE_ALLOW_PRIVATE_HOSTS,
    logLevel: e.LOG_LEVEL,
    role: e.X3BRIDGE_ROLE,
    demo: e.X3BRIDGE_DEMO,
    publicUrl: e.X3BRIDGE_PUBLIC_URL ?? null,
    // Present only when set, so a configuration without them reads as before.
    ...(e.X3BRIDGE_API_URL !== undefined ? { apiUrl: e.X3BRIDGE_API_URL } : {}),
    ...(e.X3BRIDGE_API_KEY !== undefined ? { apiKey: e.X3BRIDGE_API_KEY } : {}),
    // CI systems set CI to all sorts of values ("true", "1", "woodpecker"): anything but false.
    ci: env.CI !== undefined && env.CI !== '' && !/^(false|0|no)$/i.test(env.CI),
    logLevelGiven: env.LOG_LEVEL !== undefined && env.LOG_LEVEL.trim() !== '',
  };
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const merged: AppConfig = { ...config, ...defined };
  const flagIssues: ConfigIssue[] = [];
  if (!port.safeParse(merged.port).success) {
    flagIssues.push({ variable: '--port', message: 'must be a whole number between 0 and 65535' });
  }
  if (!(ROLES as readonly string[]).includes(merged.role)) {
    flagIssues.push({ variable: '--role', message: `must be one of ${ROLES.join(', ')}` });
  }
  if (flagIssues.length > 0) throw new ConfigError(flagIssues);
  return Object.freeze({
    ...merged,
    allowPrivateHosts: Object.freeze([...merged.allowPrivateHosts]) as string[],
  });
}
