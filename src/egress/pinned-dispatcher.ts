import type { LookupAddress, LookupOptions } from 'node:dns';
import { Agent, type Dispatcher } from 'undici';
import { EgressError, type EgressTarget, type ResolvedAddress } from './egress-guard.js';

export interface PinnedDispatcherOptions {
  connectTimeoutMs?: number;
  /** Sockets per origin: X3's web-service pool is small, so keep this modest. */
  connections?: number;
  keepAliveTimeoutMs?: number;
  /** CA certificates (PEM) trusted instead of the public ones: an X3 with an in-house certificate. */
  ca?: string;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

function originOf(url: URL): string {
  return url.origin.toLowerCase();
}

/**
 * An undici Agent that reaches each checked host only at the address the guard validated:
 * a DNS answer that changes between the check and the connect (rebinding) is never used,
 * and a request to any origin that was not checked (say a redirect to another host) fails.
 */
export class PinnedAgent extends Agent {
  readonly #origins: Set<string>;

  constructor(targets: EgressTarget[], options: PinnedDispatcherOptions = {}) {
    const pins = new Map<string, ResolvedAddress>();
    for (const t of targets) {
      const first = t.addresses[0];
      if (first) pins.set(t.host, first);
    }
    const lookup = (hostname: string, opts: LookupOptions, callback: LookupCallback): void => {
      const host = hostname.toLowerCase().replace(/\.$/, '');
      const pin = pins.get(host);
      if (!pin) {
        const err = new EgressError(
          'host_not_checked',
          `x3bridge will not connect to "${host}": it is not the X3 address of this connection.`,
          'Check the X3 address and token URL of the connection; x3bridge does not follow X3 to other hosts.',
          host,
        ) as EgressError & NodeJS.ErrnoException;
        callback(err, '');
        return;
      }
      if (opts && opts.all) callback(null, [{ address: pin.address, family: pin.family }]);
      else callback(null, pin.address, pin.family);
    };
    super({
      connections: options.connections ?? 8,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
      connect: {
        lookup: lookup as never,
        timeout: options.connectTimeoutMs ?? 10_000,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
      },
    });
    this.#origins = new Set(targets.map((t) => originOf(t.url)));
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const origin = options.origin === undefined ? '' : originOf(new URL(String(options.origin)));
    if (!this.#origins.has(origin)) {
      throw new EgressError(
        'host_not_checked',
        `x3bridge will not call ${origin || 'an unknown origin'}: it is not the X3 address of this connection.`,
        'Give the final X3 address (the one that answers without a redirect) as the connection URL.',
        null,
      );
    }
    return super.dispatch(options, handler);
  }
}

export function createPinnedDispatcher(
  targets: EgressTarget[],
  options?: PinnedDispatcherOptions,
): PinnedAgent {
  return new PinnedAgent(targets, options);
}
