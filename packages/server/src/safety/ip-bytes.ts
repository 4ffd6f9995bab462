import { isIP } from 'node:net';

/** An IP address as bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = Uint8Array;

/**
 * Parses a canonical IPv4 or IPv6 literal (as `new URL` or DNS produce them; brackets and a zone
 * id are accepted) into bytes, or `undefined` for anything that is not an IP address. Loose IPv4
 * forms (`127.1`, `0x7f000001`) are normalised by the URL parser before they reach this.
 */
export function parseIp(text: string): IpBytes | undefined {
  let value = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = value.indexOf('%');
  if (zone !== -1) value = value.slice(0, zone);
  const family = isIP(value);
  if (family === 4) return Uint8Array.from(value.split('.').map(Number));
  if (family === 6) return parseIpv6(value);
  return undefined;
}

function parseIpv6(value: string): IpBytes {
  const bytes = new Uint8Array(16);
  let head = value;
  let tailV4: number[] = [];
  const lastColon = value.lastIndexOf(':');
  if (value.slice(lastColon + 1).includes('.')) {
    tailV4 = value.slice(lastColon + 1).split('.').map(Number);
    // Keep the separator so a trailing '::' stays recognisable.
    head = `${value.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = head.split('::');
  const leftGroups = left === '' ? [] : left.split(':');
  const rightGroups = right === undefined || right === '' ? [] : right.split(':');
  const groups =
    right === undefined
      ? leftGroups
      : [...leftGroups, ...new Array<string>(8 - leftGroups.length - rightGroups.length).fill('0'), ...rightGroups];
  groups.forEach((group, i) => {
    const n = Number.parseInt(group, 16);
    bytes[i * 2] = n >> 8;
    bytes[i * 2 + 1] = n & 0xff;
  });
  if (tailV4.length === 4) bytes.set(tailV4, 12);
  return bytes;
}

export function formatIp(bytes: IpBytes): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  // Compress the longest run of zero groups, as RFC 5952 asks.
  let best = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLength && j - i > 1) {
      best = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (best === -1) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLength).join(':')}`;
}

/** True when the first `prefixLength` bits of `address` equal those of `network` (same family). */
export function inPrefix(address: IpBytes, network: IpBytes, prefixLength: number): boolean {
  if (address.length !== network.length) return false;
  let bits = prefixLength;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((address[i] ?? 0) & mask) !== ((network[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** A CIDR (`10.0.0.0/8`, `fd00::/8`) or a single address (`10.1.2.3`, a full-length prefix). */
export interface Cidr {
  network: IpBytes;
  prefixLength: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const network = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (network === undefined) return undefined;
  const max = network.length * 8;
  if (slash === -1) return { network, prefixLength: max };
  const lengthText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText)) return undefined;
  const prefixLength = Number(lengthText);
  return prefixLength <= max ? { network, prefixLength } : undefined;
}
