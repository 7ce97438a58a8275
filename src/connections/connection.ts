import { z } from 'zod';
import { strictBody } from './strict-schema.js';
import { MAX_CA_PEM_CHARS, parseCaPem } from './connection.tls.js';

/** Connection types and the zod schemas that drive validation, types and /openapi.json. */

export const CONNECTION_STATUSES = [
  'active',
  'auth_failed',
  'unreachable',
  'folder_not_found',
  'permission_denied',
] as const;
export const connectionStatusSchema = z.enum(CONNECTION_STATUSES);
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>;

const secretText = z.string().min(1).max(2000);
const plainText = z.string().trim().min(1).max(200);

export const clientCredentialsAuthSchema = strictBody({
  type: z.literal('client_credentials'),
  clientId: plainText,
  clientSecret: secretText,
  tokenUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('Defaults to {baseUrl}/oauth2/token.'),
  scope: z.string().trim().max(500).optional(),
  tokenEndpointAuthMethod: z.enum(['client_secret_basic', 'client_secret_post']).optional(),
});

export const connectedAppAuthSchema = strictBody({
  type: z.literal('connected_app'),
  clientId: plainText,
  secret: secretText,
  user: plainText,
  audience: z.string().max(500).optional(),
  lifetimeSeconds: z.number().int().min(15).max(3600).optional(),
});

export const basicAuthSchema = strictBody({
  type: z.literal('basic'),
  user: plainText,
  password: secretText,
});

export const authInputSchema = z.discriminatedUnion('type', [
  clientCredentialsAuthSchema,
  connectedAppAuthSchema,
  basicAuthSchema,
]);
/** The credentials as the user gives them. Lives in memory or sealed by the Vault, nowhere else. */
export type AuthInput = z.infer<typeof authInputSchema>;
export type AuthType = AuthInput['type'];

const caPemSchema = z
  .string()
  .max(MAX_CA_PEM_CHARS, `a CA certificate in PEM fits in ${MAX_CA_PEM_CHARS / 1024} KB`)
  .superRefine((value, ctx) => {
    const parsed = parseCaPem(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.reason });
  })
  .describe(
    'One or more CA certificates in PEM (-----BEGIN CERTIFICATE-----) trusted for this X3 server instead of the public CAs: for a self-signed or in-house certificate.',
  );

const tlsSettingsSchema = strictBody({ ca: caPemSchema }).describe(
  'TLS trust for an X3 server whose certificate is self-signed or issued by an in-house CA.',
);

const settingsShape = {
  timeoutMs: z.number().int().min(1000).max(300_000).optional().describe('Per-request timeout for X3 calls.'),
  concurrency: z
    .number()
    .int()
    .min(1)
    .max(64)
    .optional()
    .describe("Most X3 calls in flight at once for this connection (X3's web-service pool is small)."),
  tls: tlsSettingsSchema.optional(),
};

export const connectionSettingsSchema = strictBody(settingsShape);
/** PATCH: `tls: null` goes back to the process-wide trust. */
export const connectionSettingsPatchSchema = strictBody({
  ...settingsShape,
  tls: tlsSettingsSchema
    .nullable()
    .optional()
    .describe('New TLS trust (checked against X3 before it is saved); null removes it.'),
});
export type ConnectionSettingsInput = z.infer<typeof connectionSettingsSchema>;

/** What the settings column holds: the user's settings plus the non-secret parts of the auth. */
export interface ConnectionSettings extends ConnectionSettingsInput {
  tokenUrl?: string;
  scope?: string;
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  audience?: string;
  lifetimeSeconds?: number;
}

const folderSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9_]{1,30}$/, 'a folder code is 1 to 30 letters, digits or underscores, e.g. ALDGATE');

const baseUrlSchema = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .describe(
    'The X3 web server, e.g. https://x3.example.com:8124 (checked: no private addresses unless allowed).',
  );

const externalIdSchema = z.string().trim().min(1).max(200);

export const connectionCreateSchema = strictBody({
  name: z.string().trim().min(1).max(200),
  externalId: externalIdSchema.optional().describe('Your own id for this tenant; unique in the environment.'),
  baseUrl: baseUrlSchema,
  folder: folderSchema,
  auth: authInputSchema,
  settings: connectionSettingsSchema.optional(),
});
export type ConnectionCreateInput = z.infer<typeof connectionCreateSchema>;

export const connectionPatchSchema = strictBody({
  name: z.string().trim().min(1).max(200).optional(),
  externalId: externalIdSchema.nullable().optional(),
  baseUrl: baseUrlSchema
    .optional()
    .describe('The X3 web server moved: checked (address, token, test read) before it is saved.'),
  folder: folderSchema
    .optional()
    .describe('Another X3 folder: checked (token, test read) before it is saved.'),
  settings: connectionSettingsPatchSchema.optional(),
  auth: authInputSchema.optional().describe('New credentials; checked against X3 before they are saved.'),
}).refine((v) => Object.values(v).some((x) => x !== undefined), 'give at least one field to change');
export type ConnectionPatchInput = z.infer<typeof connectionPatchSchema>;

export const checkStepSchema = z.object({
  step: z.enum(['token', 'test_read']),
  ok: z.boolean(),
  ms: z.number().int().nonnegative(),
  message: z.string().optional(),
});
export type CheckStep = z.infer<typeof checkStepSchema>;

export const lastErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  step: z.enum(['token', 'test_read']).nullable(),
  fix: z.string().nullable(),
});
export type LastError = z.infer<typeof lastErrorSchema>;

export const connectionApiSchema = z.object({
  id: z.string(),
  name: z.string(),
  externalId: z.string().nullable(),
  baseUrl: z.string(),
  folder: z.string(),
  auth: z.object({
    type: z.enum(['client_credentials', 'connected_app', 'basic']),
    clientIdHint: z.string(),
  }),
  settings: z.object({
    timeoutMs: z.number().int().optional(),
    concurrency: z.number().int().optional(),
    tokenUrl: z.string().optional(),
    scope: z.string().optional(),
    tokenEndpointAuthMethod: z.string().optional(),
    audience: z.string().optional(),
    lifetimeSeconds: z.number().int().optional(),
    tls: z
      .object({
        certificates: z.array(z.object({ subject: z.string(), sha256: z.string(), notAfter: z.string() })),
      })
      .optional()
      .describe('The trusted CA certificates, summarised: the PEM itself is not repeated.'),
  }),
  status: connectionStatusSchema,
  lastCheckedAt: z.string().nullable(),
  lastError: lastErrorSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ConnectionApi = z.infer<typeof connectionApiSchema>;

export const checkResultSchema = z.object({
  id: z.string().nullable(),
  status: connectionStatusSchema,
  checks: z.array(checkStepSchema),
});

export const connectionCreatedSchema = connectionApiSchema.extend({ checks: z.array(checkStepSchema) });

export const connectionListSchema = z.object({
  data: z.array(connectionApiSchema),
  nextCursor: z.string().nullable(),
});

/** The domain shape: what services pass around. Holds no secret. */
export interface Connection {
  id: string;
  environmentId: string;
  name: string;
  externalId: string | null;
  baseUrl: string;
  folder: string;
  authType: AuthType;
  clientIdHint: string;
  settings: ConnectionSettings;
  status: ConnectionStatus;
  lastCheckedAt: Date | null;
  lastError: LastError | null;
  createdAt: Date;
  updatedAt: Date;
}

/** `aldgate-integration` → `aldg…tion`: enough to recognise, not enough to reuse. */
export function maskIdentifier(value: string): string {
  if (value.length >= 12) return `${value.slice(0, 4)}…${value.slice(-4)}`;
  if (value.length >= 6) return `${value.slice(0, 2)}…${value.slice(-2)}`;
  return '…';
}

export function clientIdHintOf(auth: AuthInput): string {
  return maskIdentifier(auth.type === 'basic' ? auth.user : auth.clientId);
}

/** Settings worth showing: the non-secret parts of the auth, kept beside the user's settings. */
export function publicAuthSettings(auth: AuthInput): Partial<ConnectionSettings> {
  switch (auth.type) {
    case 'client_credentials':
      return {
        tokenUrl: auth.tokenUrl,
        scope: auth.scope,
        tokenEndpointAuthMethod: auth.tokenEndpointAuthMethod ?? 'client_secret_basic',
      };
    case 'connected_app':
      return { audience: auth.audience, lifetimeSeconds: auth.lifetimeSeconds };
    case 'basic':
      return {};
  }
}

export function normalizeBaseUrl(raw: string): string {
  // Kept as given but without a trailing slash, so `${baseUrl}/api1/...` never doubles it.
  return raw.trim().replace(/\/+$/, '');
}
