import { lookup as dnsLookup } from 'node:dns/promises';
import {
  classifyAddress,
  formatIp,
  inRange,
  parseCidr,
  parseIp,
  type AddressClass,
  type IpRange,
} from './ip-ranges.js';

export type EgressReason =
  | 'bad_url'
  | 'unsupported_scheme'
  | 'credentials_in_url'
  | 'dns_failed'
  | 'private_address'
  | 'host_not_checked';

const ALLOW_FIX =
  'If this X3 server really is on your own network, add its host name, address or range to X3BRIDGE_ALLOW_PRIVATE_HOSTS (comma-separated) and restart x3bridge.';

/** A user-supplied X3 address that x3bridge will not call. Carries the reason and the fix. */
export class EgressError extends Error {
  override readonly name = 'EgressError';
  readonly code = 'invalid_host' as const;
  constructor(
    readonly reason: EgressReason,
    message: string,
    readonly fix: string,
    readonly host: string | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** A URL that passed the guard, with the addresses its host may be reached at. */
export interface EgressTarget {
  url: URL;
  /** Host name as the URL spells it (lower case, no brackets). */
  host: string;
  addresses: ResolvedAddress[];
  /** True when a private address was let through by X3BRIDGE_ALLOW_PRIVATE_HOSTS. */
  allowlisted: boolean;
}

export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

export interface EgressGuardOptions {
  /** Host names, IPs or CIDRs; `*` allows every host (for development only). */
  allowPrivateHosts: readonly string[];
  /** Injectable resolver; defaults to the system resolver (getaddrinfo, like every other client). */
  lookup?: HostLookup;
}

export interface EgressGuard {
  /** Validates a URL and resolves its host; throws EgressError when it may not be called. */
  check(url: string): Promise<EgressTarget>;
}

const CLASS_WORDS: Record<Exclude<AddressClass, null>, string> = {
  unspecified: 'an unspecified address (0.0.0.0 or ::)',
  loopback: 'a loopback address (this machine)',
  private: 'a private network address',
  link_local: 'a link-local address (this includes the cloud metadata address 169.254.169.254)',
  shared_cgnat: 'a carrier-grade NAT address (100.64.0.0/10)',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
  documentation: 'a documentation-only address',
};

interface Allowlist {
  all: boolean;
  names: Set<string>;
  ranges: IpRange[];
}

function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

function parseAllowlist(entries: readonly string[]): Allowlist {
  const list: Allowlist = { all: false, names: new Set(), ranges: [] };
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    if (entry === '*') {
      list.all = true;
      continue;
    }
    const range = parseCidr(normalizeHost(entry));
    if (range) list.ranges.push(range);
    else list.names.add(normalizeHost(entry));
  }
  return list;
}

const systemLookup: HostLookup = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export function createEgressGuard(options: EgressGuardOptions): EgressGuard {
  const allow = parseAllowlist(options.allowPrivateHosts);
  const lookup = options.lookup ?? systemLookup;

  async function check(input: string): Promise<EgressTarget> {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw new EgressError(
        'bad_url',
        'The X3 address is not a valid URL.',
        'Give the full address of the X3 web server, for example https://x3.example.com:8124.',
        null,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new EgressError(
        'unsupported_scheme',
        `The X3 address uses "${url.protocol.replace(/:$/, '')}", but only http and https are allowed.`,
        'Give the address of the X3 web server starting with https:// (or http:// for a test server).',
        null,
      );
    }
    if (url.username !== '' || url.password !== '') {
      // The URL itself is never echoed back: it may carry a password.
      throw new EgressError(
        'credentials_in_url',
        'The X3 address contains a user name or password.',
        'Remove the credentials from the address and give them in the "auth" object instead.',
        null,
      );
    }
    const host = normalizeHost(url.hostname);
    const literal = parseIp(host);
    let addresses: ResolvedAddress[];
    if (literal) {
      addresses = [{ address: formatIp(literal), family: literal.family }];
    } else {
      try {
        addresses = await lookup(host);
      } catch (err) {
        throw new EgressError(
          'dns_failed',
          `The host name "${host}" could not be resolved.`,
          'Check the spelling of the host name, and that it resolves from the machine x3bridge runs on.',
          host,
          { cause: err },
        );
      }
      if (addresses.length === 0) {
        throw new EgressError(
          'dns_failed',
          `The host name "${host}" has no addresses.`,
          'Check the spelling of the host name, and that it resolves from the machine x3bridge runs on.',
          host,
        );
      }
    }

    let allowlisted = false;
    for (const a of addresses) {
      const ip = parseIp(a.address);
      // A resolver that hands back something that is not an address is treated as hostile.
      const cls: AddressClass = ip ? classifyAddress(ip) : 'reserved';
      if (cls === null) continue;
      const permitted =
        allow.all || allow.names.has(host) || (ip !== null && allow.ranges.some((r) => inRange(ip, r)));
      if (!permitted) {
        const via = literal ? '' : ` (the name "${host}" resolves to ${a.address})`;
        throw new EgressError(
          'private_address',
          `The X3 address points to ${CLASS_WORDS[cls]}${via}; x3bridge does not call such addresses unless they are allowed.`,
          ALLOW_FIX,
          host,
        );
      }
      allowlisted = true;
    }
    return { url, host, addresses, allowlisted };
  }

  return { check };
}
