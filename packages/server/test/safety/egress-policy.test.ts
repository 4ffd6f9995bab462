import { describe, expect, it } from 'vitest';
import { EgressPolicy, EgressPolicyError } from '../../src/safety/egress-policy.ts';

const policy = new EgressPolicy({ allow: [] });

function reasonOf(decision: { allowed: boolean; reason?: string }): string {
  if (decision.allowed) throw new Error('expected a refusal');
  return decision.reason ?? '';
}

describe('EgressPolicy.checkUrl: schemes', () => {
  it.each(['http://example.com/', 'https://example.com/a?b=c', 'ws://example.com/socket', 'wss://example.com:8443/', 'about:blank'])(
    'allows %s',
    (url) => {
      expect(policy.checkUrl(url)).toEqual({ allowed: true });
    },
  );

  it.each([
    ['file:///etc/passwd', 'file:'],
    ['chrome://settings', 'chrome:'],
    ['devtools://devtools/bundled/inspector.html', 'devtools:'],
    ['view-source:http://example.com/', 'view-source:'],
    ['javascript:alert(1)', 'javascript:'],
    ['data:text/html,<h1>x</h1>', 'data:'],
    ['ftp://example.com/', 'ftp:'],
    ['blob:http://example.com/uuid', 'blob:'],
    ['chrome-extension://abc/page.html', 'chrome-extension:'],
  ])('refuses %s', (url, scheme) => {
    expect(reasonOf(policy.checkUrl(url))).toBe(`refused: ${scheme} URLs are not allowed (only http, https, ws and wss)`);
  });

  it('refuses about: pages other than about:blank, and garbage', () => {
    expect(reasonOf(policy.checkUrl('about:config'))).toContain('only about:blank');
    expect(reasonOf(policy.checkUrl('not a url'))).toContain('is not a valid URL');
  });
});

describe('EgressPolicy.checkUrl: IP literals in every form, before any DNS', () => {
  it.each([
    'http://127.0.0.1/',
    'http://127.1/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0x7f.0.0.1/',
    'http://0177.0.0.1/',
    'http://017700000001/',
    'http://127.0.0.1./',
    'http://%31%32%37.0.0.1/',
    'https://127.255.255.254:8443/',
    'ws://127.1:9000/',
  ])('refuses loopback %s', (url) => {
    expect(reasonOf(policy.checkUrl(url))).toMatch(/^refused: 127\.\d+\.\d+\.\d+ is a loopback address$/);
  });

  it.each([
    ['http://[::1]/', 'refused: ::1 is a loopback address'],
    ['http://[0:0:0:0:0:0:0:1]/', 'refused: ::1 is a loopback address'],
    ['http://[::ffff:127.0.0.1]/', 'refused: ::ffff:7f00:1 is an IPv4-mapped form of a loopback address (127.0.0.1)'],
    ['http://[::ffff:7f00:1]/', 'refused: ::ffff:7f00:1 is an IPv4-mapped form of a loopback address (127.0.0.1)'],
    ['http://[::ffff:a9fe:a9fe]/', 'refused: ::ffff:a9fe:a9fe is an IPv4-mapped form of a link-local address (cloud metadata) (169.254.169.254)'],
    ['http://[::ffff:0:a00:1]/', 'refused: ::ffff:0:a00:1 is an IPv4-translated form of a private address (10.0.0.1)'],
    ['http://[64:ff9b::c0a8:101]/', 'refused: 64:ff9b::c0a8:101 is a NAT64 form of a private address (192.168.1.1)'],
    ['http://[2002:7f00:1::]/', 'refused: 2002:7f00:1:: is a 6to4 form of a loopback address (127.0.0.1)'],
    ['http://[::127.0.0.1]/', 'refused: ::7f00:1 is an IPv4-compatible IPv6 address'],
    ['http://[::]/', 'refused: :: is the unspecified address'],
    ['http://169.254.169.254/latest/meta-data/', 'refused: 169.254.169.254 is a link-local address (cloud metadata)'],
    ['http://2852039166/', 'refused: 169.254.169.254 is a link-local address (cloud metadata)'],
    ['http://0/', 'refused: 0.0.0.0 is an unspecified ("this network") address'],
    ['http://10.1.2.3/', 'refused: 10.1.2.3 is a private address'],
    ['http://172.16.0.1/', 'refused: 172.16.0.1 is a private address'],
    ['http://172.31.255.255/', 'refused: 172.31.255.255 is a private address'],
    ['http://192.168.0.1/', 'refused: 192.168.0.1 is a private address'],
    ['http://100.64.0.1/', 'refused: 100.64.0.1 is a carrier-grade NAT (shared) address'],
    ['http://224.0.0.1/', 'refused: 224.0.0.1 is a multicast address'],
    ['http://255.255.255.255/', 'refused: 255.255.255.255 is the broadcast address'],
    ['http://240.0.0.1/', 'refused: 240.0.0.1 is a reserved address'],
    ['http://192.0.2.1/', 'refused: 192.0.2.1 is a documentation address'],
    ['http://198.18.0.1/', 'refused: 198.18.0.1 is a benchmarking address'],
    ['http://[fc00::1]/', 'refused: fc00::1 is a unique-local (private) address'],
    ['http://[fd12:3456::1]/', 'refused: fd12:3456::1 is a unique-local (private) address'],
    ['http://[fd00:ec2::254]/', 'refused: fd00:ec2::254 is a unique-local address (cloud metadata)'],
    ['http://[fe80::1]/', 'refused: fe80::1 is a link-local address'],
    ['http://[ff02::1]/', 'refused: ff02::1 is a multicast address'],
    ['http://[2001:db8::1]/', 'refused: 2001:db8::1 is a documentation address'],
  ])('%s', (url, reason) => {
    expect(reasonOf(policy.checkUrl(url))).toBe(reason);
  });

  it.each(['http://8.8.8.8/', 'http://172.32.0.1/', 'http://100.128.0.1/', 'http://[2606:4700::1111]/', 'http://[::ffff:808:808]/'])(
    'allows the public address %s (decision only; nothing connects)',
    (url) => {
      expect(policy.checkUrl(url)).toEqual({ allowed: true });
    },
  );
});

describe('EgressPolicy.checkUrl: names', () => {
  it.each(['http://localhost/', 'http://LOCALHOST:8080/', 'http://localhost./', 'http://app.localhost/', 'https://a.b.localhost./'])(
    'refuses the loopback name %s',
    (url) => {
      expect(reasonOf(policy.checkUrl(url))).toMatch(/^refused: ([a-z.]*)localhost is a loopback name$/);
    },
  );

  it('leaves other names to the address check after DNS', () => {
    expect(policy.checkUrl('https://shop.example/')).toEqual({ allowed: true });
    expect(policy.checkUrl('http://localhost.example.com/')).toEqual({ allowed: true });
  });
});

describe('EgressPolicy.checkAddress', () => {
  it('names the host that resolved to a refused address', () => {
    expect(policy.checkAddress('127.0.0.1', 'rebind.test', 80)).toEqual({
      allowed: false,
      reason: 'refused: 127.0.0.1 is a loopback address (rebind.test resolved to it)',
    });
    expect(reasonOf(policy.checkAddress('::ffff:169.254.169.254', 'meta.test', 80))).toBe(
      'refused: ::ffff:a9fe:a9fe is an IPv4-mapped form of a link-local address (cloud metadata) (169.254.169.254) (meta.test resolved to it)',
    );
    expect(reasonOf(policy.checkAddress('fe80::1%eth0', 'x.test', 80))).toContain('fe80::1 is a link-local address');
  });

  it('refuses what is not an address', () => {
    expect(reasonOf(policy.checkAddress('example.com', 'example.com', 80))).toBe('refused: example.com is not an IP address');
  });

  it('allows public addresses', () => {
    expect(policy.checkAddress('93.184.215.14', 'example.com', 443)).toEqual({ allowed: true });
    expect(policy.checkAddress('2606:2800:21f:cb07:6820:80da:af6b:8b2c', 'example.com', 443)).toEqual({ allowed: true });
  });
});

describe('operator allow list (STEWARD_EGRESS_ALLOW)', () => {
  const allowing = new EgressPolicy({
    allow: EgressPolicy.parseAllowList('10.0.0.0/8, 127.0.0.1:8080,[::1]:9090 intranet.example, *.corp.example, localhost:3000, 192.168.1.5'),
  });

  it('lets CIDRs, addresses and ip:port pairs through', () => {
    expect(allowing.checkUrl('http://10.20.30.40/')).toEqual({ allowed: true });
    expect(allowing.checkAddress('::ffff:10.1.1.1', 'x.test', 80)).toEqual({ allowed: true });
    expect(allowing.checkUrl('http://127.0.0.1:8080/')).toEqual({ allowed: true });
    expect(allowing.checkUrl('http://2130706433:8080/')).toEqual({ allowed: true });
    expect(reasonOf(allowing.checkUrl('http://127.0.0.1:8081/'))).toBe('refused: 127.0.0.1 is a loopback address');
    expect(allowing.checkUrl('http://[::1]:9090/')).toEqual({ allowed: true });
    expect(reasonOf(allowing.checkUrl('http://[::1]:9091/'))).toContain('loopback');
    expect(allowing.checkUrl('http://192.168.1.5:1234/')).toEqual({ allowed: true });
    expect(reasonOf(allowing.checkUrl('http://192.168.1.6/'))).toContain('private');
  });

  it('lets named hosts (and their subdomains with *.) reach private addresses', () => {
    expect(allowing.checkAddress('10.9.9.9', 'intranet.example', 443)).toEqual({ allowed: true });
    expect(allowing.checkAddress('172.16.0.9', 'intranet.example', 443)).toEqual({ allowed: true });
    expect(reasonOf(allowing.checkAddress('172.16.0.9', 'www.intranet.example', 443))).toContain('private');
    expect(allowing.checkAddress('172.16.0.9', 'git.corp.example', 443)).toEqual({ allowed: true });
    expect(allowing.checkAddress('172.16.0.9', 'corp.example', 443)).toEqual({ allowed: true });
    expect(reasonOf(allowing.checkAddress('172.16.0.9', 'evilcorp.example', 443))).toContain('private');
  });

  it('host:port entries allow localhost on that port only', () => {
    expect(allowing.checkUrl('http://localhost:3000/')).toEqual({ allowed: true });
    expect(allowing.checkAddress('127.0.0.1', 'localhost', 3000)).toEqual({ allowed: true });
    expect(reasonOf(allowing.checkUrl('http://localhost:3001/'))).toBe('refused: localhost is a loopback name');
  });

  it('never lifts the scheme rules', () => {
    expect(reasonOf(allowing.checkUrl('file:///etc/passwd'))).toContain('file:');
  });

  it('rejects malformed entries at construction', () => {
    expect(() => new EgressPolicy({ allow: ['10.0.0.0/33'] })).toThrow(EgressPolicyError);
    expect(() => new EgressPolicy({ allow: ['host:99999'] })).toThrow(EgressPolicyError);
    expect(() => new EgressPolicy({ allow: ['a b/c'] })).toThrow(EgressPolicyError);
  });
});

describe('per-session domain lists', () => {
  const base = new EgressPolicy({ allow: ['127.0.0.1:8080'] });

  it('an allow list limits the session to those domains and their subdomains', () => {
    const session = base.forSession({ allowDomains: ['Shop.Example', '*.docs.example'] });
    expect(session.checkUrl('https://shop.example/')).toEqual({ allowed: true });
    expect(session.checkUrl('https://www.shop.example/')).toEqual({ allowed: true });
    expect(session.checkUrl('https://api.docs.example/')).toEqual({ allowed: true });
    expect(reasonOf(session.checkUrl('https://evilshop.example/'))).toBe("refused: evilshop.example is not on this session's allow list");
    expect(reasonOf(session.checkUrl('http://8.8.8.8/'))).toBe("refused: 8.8.8.8 is not on this session's allow list");
  });

  it('a deny list wins over the allow list, with subdomains', () => {
    const session = base.forSession({ allowDomains: ['example.org'], denyDomains: ['ads.example.org'] });
    expect(reasonOf(session.checkUrl('https://x.ads.example.org/'))).toBe("refused: x.ads.example.org is on this session's deny list");
    expect(session.checkUrl('https://www.example.org/')).toEqual({ allowed: true });
  });

  it('a session allow list never grants private addresses; the operator list still applies', () => {
    const session = base.forSession({ allowDomains: ['127.0.0.1', 'intranet.test'] });
    expect(reasonOf(session.checkUrl('http://127.0.0.1:9000/'))).toContain('loopback address');
    expect(session.checkUrl('http://127.0.0.1:8080/')).toEqual({ allowed: true });
    expect(reasonOf(session.checkAddress('10.0.0.1', 'intranet.test', 80))).toContain('private');
  });

  it('addresses in a deny list match exactly, not as suffixes', () => {
    const session = new EgressPolicy({ allow: [] }).forSession({ denyDomains: ['0.0.1'] });
    expect(session.checkUrl('http://8.0.0.1/')).toEqual({ allowed: true });
  });
});
