import { isIPv4, isIPv6 } from 'node:net';

/** An IP address as a big integer with its family, so that ranges compare by arithmetic. */
export interface ParsedIp {
  family: 4 | 6;
  value: bigint;
}

export interface IpRange {
  family: 4 | 6;
  base: bigint;
  prefix: number;
}

/** Why an address may not be reached from the service; null when it is a public address. */
export type AddressClass =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'shared_cgnat'
  | 'multicast'
  | 'reserved'
  | 'documentation'
  | null;

export function parseIp(text: string): ParsedIp | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  // A zone id (fe80::1%eth0) names a local interface: never a remote host.
  const address = bare.split('%')[0] ?? bare;
  if (isIPv4(address)) {
    const parts = address.split('.').map(Number);
    let value = 0n;
    for (const p of parts) value = (value << 8n) | BigInt(p);
    return { family: 4, value };
  }
  if (isIPv6(address)) return { family: 6, value: parseIpv6(address) };
  return null;
}

function parseIpv6(address: string): bigint {
  let text = address;
  // An embedded dotted quad (::ffff:127.0.0.1) becomes its two hextets.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const q = tail.split('.').map(Number);
    const hi = (((q[0] ?? 0) << 8) | (q[1] ?? 0)).toString(16);
    const lo = (((q[2] ?? 0) << 8) | (q[3] ?? 0)).toString(16);
    text = `${text.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const headParts = head === '' ? [] : head.split(':');
  const restParts = rest === undefined || rest === '' ? [] : rest.split(':');
  const missing = 8 - headParts.length - restParts.length;
  const groups = [...headParts, ...Array<string>(rest === undefined ? 0 : missing).fill('0'), ...restParts];
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(parseInt(g, 16));
  return value;
}

export function formatIp(ip: ParsedIp): string {
  if (ip.family === 4) {
    const v = Number(ip.value);
    return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((ip.value >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

export function parseCidr(text: string): IpRange | null {
  const [addr, prefixText] = text.split('/');
  if (addr === undefined) return null;
  const ip = parseIp(addr.trim());
  if (!ip) return null;
  const max = ip.family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return null;
  return { family: ip.family, base: maskTo(ip.value, prefix, max), prefix };
}

function maskTo(value: bigint, prefix: number, bits: number): bigint {
  const hostBits = BigInt(bits - prefix);
  return (value >> hostBits) << hostBits;
}

export function inRange(ip: ParsedIp, range: IpRange): boolean {
  if (ip.family !== range.family) return false;
  return maskTo(ip.value, range.prefix, ip.family === 4 ? 32 : 128) === range.base;
}

function ranges(list: Array<[string, Exclude<AddressClass, null>]>): Array<[IpRange, AddressClass]> {
  return list.map(([cidr, cls]) => [parseCidr(cidr) as IpRange, cls]);
}

const IPV4_BLOCKED = ranges([
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared_cgnat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link_local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'documentation'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
]);

const IPV6_BLOCKED = ranges([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fc00::/7', 'private'],
  ['fe80::/10', 'link_local'],
  ['fec0::/10', 'private'],
  ['ff00::/8', 'multicast'],
  ['2001:db8::/32', 'documentation'],
  ['100::/64', 'reserved'],
]);

// IPv6 forms that carry an IPv4 address inside: the embedded address decides.
const EMBEDS_V4_LOW32 = ranges([
  ['::ffff:0:0/96', 'reserved'], // IPv4-mapped
  ['::/96', 'reserved'], // IPv4-compatible (deprecated)
  ['64:ff9b::/96', 'reserved'], // NAT64
  ['::ffff:0:0:0/96', 'reserved'], // IPv4-translated
]).map(([r]) => r);
const SIX_TO_FOUR = parseCidr('2002::/16') as IpRange;

/** The IPv4 address hidden in an IPv6 one, if any (mapped, compatible, NAT64, 6to4). */
export function embeddedIpv4(ip: ParsedIp): ParsedIp | null {
  if (ip.family !== 6) return null;
  if (EMBEDS_V4_LOW32.some((r) => inRange(ip, r))) return { family: 4, value: ip.value & 0xffffffffn };
  if (inRange(ip, SIX_TO_FOUR)) return { family: 4, value: (ip.value >> 80n) & 0xffffffffn };
  return null;
}

export function classifyAddress(ip: ParsedIp): AddressClass {
  if (ip.family === 6 && ip.value <= 1n) return ip.value === 0n ? 'unspecified' : 'loopback';
  const v4 = embeddedIpv4(ip);
  if (v4) return classifyAddress(v4) ?? null;
  const table = ip.family === 4 ? IPV4_BLOCKED : IPV6_BLOCKED;
  for (const [range, cls] of table) if (inRange(ip, range)) return cls;
  if (ip.family === 4 && ip.value === 0xffffffffn) return 'reserved';
  return null;
}
