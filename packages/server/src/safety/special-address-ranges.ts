import { formatIp, inPrefix, parseCidr, type IpBytes } from './ip-bytes.ts';

interface Range {
  cidr: string;
  /** Completes "refused: <ip> is …". */
  what: string;
}

// IANA special-purpose registries (RFC 6890 and successors): none of these is a public
// destination a browsing agent needs, and several reach the host, its network or the cloud's
// metadata service.
const IPV4_RANGES: readonly Range[] = [
  { cidr: '169.254.169.254/32', what: 'a link-local address (cloud metadata)' },
  { cidr: '255.255.255.255/32', what: 'the broadcast address' },
  { cidr: '0.0.0.0/8', what: 'an unspecified ("this network") address' },
  { cidr: '10.0.0.0/8', what: 'a private address' },
  { cidr: '100.64.0.0/10', what: 'a carrier-grade NAT (shared) address' },
  { cidr: '127.0.0.0/8', what: 'a loopback address' },
  { cidr: '169.254.0.0/16', what: 'a link-local address' },
  { cidr: '172.16.0.0/12', what: 'a private address' },
  { cidr: '192.0.0.0/24', what: 'an IETF protocol-assignment address' },
  { cidr: '192.0.2.0/24', what: 'a documentation address' },
  { cidr: '192.88.99.0/24', what: 'a 6to4 relay anycast address' },
  { cidr: '192.168.0.0/16', what: 'a private address' },
  { cidr: '198.18.0.0/15', what: 'a benchmarking address' },
  { cidr: '198.51.100.0/24', what: 'a documentation address' },
  { cidr: '203.0.113.0/24', what: 'a documentation address' },
  { cidr: '224.0.0.0/4', what: 'a multicast address' },
  { cidr: '240.0.0.0/4', what: 'a reserved address' },
];

const IPV6_RANGES: readonly Range[] = [
  { cidr: '::/128', what: 'the unspecified address' },
  { cidr: '::1/128', what: 'a loopback address' },
  // IPv4-compatible addresses (deprecated): nothing legitimate uses them, some stacks route them.
  { cidr: '::/96', what: 'an IPv4-compatible IPv6 address' },
  { cidr: '64:ff9b:1::/48', what: 'a local-use IPv4/IPv6 translation address' },
  { cidr: '100::/64', what: 'a discard-only address' },
  { cidr: '2001::/32', what: 'a Teredo tunnel address' },
  { cidr: '2001:2::/48', what: 'a benchmarking address' },
  { cidr: '2001:10::/28', what: 'an ORCHID address' },
  { cidr: '2001:20::/28', what: 'an ORCHIDv2 address' },
  { cidr: '2001:db8::/32', what: 'a documentation address' },
  { cidr: '3fff::/20', what: 'a documentation address' },
  { cidr: 'fd00:ec2::254/128', what: 'a unique-local address (cloud metadata)' },
  { cidr: 'fc00::/7', what: 'a unique-local (private) address' },
  { cidr: 'fe80::/10', what: 'a link-local address' },
  { cidr: 'fec0::/10', what: 'a site-local address' },
  { cidr: 'ff00::/8', what: 'a multicast address' },
];

/** IPv6 forms that carry an IPv4 address, which is what they finally reach. */
const EMBEDDED_IPV4: readonly { cidr: string; offset: number; form: string }[] = [
  { cidr: '::ffff:0:0/96', offset: 12, form: 'an IPv4-mapped' },
  { cidr: '::ffff:0:0:0/96', offset: 12, form: 'an IPv4-translated' },
  { cidr: '64:ff9b::/96', offset: 12, form: 'a NAT64' },
  { cidr: '2002::/16', offset: 2, form: 'a 6to4' },
];

const compile = (ranges: readonly Range[]) =>
  ranges.map((range) => {
    const cidr = parseCidr(range.cidr);
    if (cidr === undefined) throw new Error(`bad built-in range ${range.cidr}`);
    return { ...cidr, what: range.what };
  });
const V4 = compile(IPV4_RANGES);
const V6 = compile(IPV6_RANGES);
const EMBEDDED = EMBEDDED_IPV4.map((entry) => {
  const cidr = parseCidr(entry.cidr);
  if (cidr === undefined) throw new Error(`bad built-in range ${entry.cidr}`);
  return { ...cidr, offset: entry.offset, form: entry.form };
});

/** The IPv4 address an IPv6 address stands for (mapped, translated, NAT64, 6to4), if any. */
export function embeddedIpv4(address: IpBytes): IpBytes | undefined {
  if (address.length !== 16) return undefined;
  const hit = EMBEDDED.find((entry) => inPrefix(address, entry.network, entry.prefixLength));
  return hit === undefined ? undefined : address.slice(hit.offset, hit.offset + 4);
}

/**
 * Why an address is not a public destination ("a loopback address", "an IPv4-mapped form of a
 * private address (10.0.0.1)"), or `undefined` for a public unicast address.
 */
export function specialAddressKind(address: IpBytes): string | undefined {
  if (address.length === 4) return V4.find((range) => inPrefix(address, range.network, range.prefixLength))?.what;
  for (const entry of EMBEDDED) {
    if (!inPrefix(address, entry.network, entry.prefixLength)) continue;
    const v4 = address.slice(entry.offset, entry.offset + 4);
    const inner = specialAddressKind(v4);
    return inner === undefined ? undefined : `${entry.form} form of ${inner} (${formatIp(v4)})`;
  }
  return V6.find((range) => inPrefix(address, range.network, range.prefixLength))?.what;
}
