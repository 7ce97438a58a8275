import { z } from 'zod';

export interface Environment {
  id: string;
  name: string;
  createdAt: Date;
}

export interface ApiKey {
  id: string;
  environmentId: string;
  /** The key's first characters, safe to show ("x3b_live_Ab3d"). */
  prefix: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Who is calling: set on every authenticated /v1 request. */
export interface RequestAuth {
  environmentId: string;
  apiKeyId: string;
}

export const API_KEY_PREFIX = 'x3b_live_';
/** 43 base62 characters: 256 bits of randomness. */
export const API_KEY_RANDOM_LENGTH = 43;
export const API_KEY_DISPLAY_LENGTH = API_KEY_PREFIX.length + 6;
export const API_KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${API_KEY_RANDOM_LENGTH}}$`);

export const environmentNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'use letters, digits, spaces, dots, dashes and underscores');

export const meResponseSchema = z
  .object({
    environment: z.object({ id: z.string(), name: z.string(), createdAt: z.iso.datetime() }),
    apiKey: z.object({ id: z.string(), name: z.string(), prefix: z.string(), createdAt: z.iso.datetime() }),
  })
  .meta({ id: 'Me' });

export type MeResponse = z.infer<typeof meResponseSchema>;
