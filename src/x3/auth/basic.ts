import { X3InvalidInputError } from '../errors.js';
import type { AuthStrategy, BasicAuth } from './types.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function isLoopback(hostname: string): boolean {
  return LOOPBACK.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname.endsWith('.localhost');
}

/** HTTP Basic on every call. Refused over plain http except on loopback. */
export function createBasicAuth(options: BasicAuth, baseUrl: URL): AuthStrategy {
  if (baseUrl.protocol === 'http:' && !isLoopback(baseUrl.hostname)) {
    throw new X3InvalidInputError(
      'Basic authentication sends the password with every request, readable by anyone on the network over plain http: use an https:// base URL.',
    );
  }
  const encoded = Buffer.from(`${options.user}:${options.password}`, 'utf8').toString('base64');
  const header = `Basic ${encoded}`;
  return {
    type: 'basic',
    authorization: () => header,
    // The same credentials would be refused again: no replay.
    rejected: () => false,
    secrets: () => [options.password, encoded],
  };
}
