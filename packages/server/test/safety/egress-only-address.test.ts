import { describe, expect, it } from 'vitest';
import { EgressPolicy, EgressPolicyError } from '../../src/safety/index.ts';

// `onlyAddress`: a session confined to one listener of the server's own (the demo site), which it
// reaches although loopback is refused, and nothing else, whatever the operator allows.
describe('EgressPolicy.forSession: one address', () => {
  const strict = new EgressPolicy({ allow: [] });
  const permissive = new EgressPolicy({ allow: ['127.0.0.0/8', '*.example.com'] });

  it('lets exactly that ip:port through, for that session', () => {
    const session = strict.forSession({ onlyAddress: '127.0.0.1:41234' });
    expect(session.checkUrl('http://127.0.0.1:41234/search.html?q=x')).toEqual({ allowed: true });
    expect(session.checkAddress('127.0.0.1', '127.0.0.1', 41234)).toEqual({ allowed: true });
    expect(strict.checkUrl('http://127.0.0.1:41234/')).toMatchObject({ allowed: false, reason: expect.stringMatching(/loopback/) });
  });

  it('refuses everything else, even what the operator allows, and every name', () => {
    const session = permissive.forSession({ onlyAddress: '127.0.0.1:41234' });
    for (const url of ['http://127.0.0.1:8080/', 'http://127.0.0.1/', 'http://127.0.0.2:41234/', 'http://localhost:41234/', 'http://[::1]:41234/', 'https://www.example.com/', 'http://10.0.0.1/', 'http://2130706433:41235/']) {
      expect(session.checkUrl(url), url).toMatchObject({ allowed: false, reason: expect.stringMatching(/not this session's one destination \(127\.0\.0\.1:41234\)/) });
    }
    // An answer a name resolved to counts no more than the name: the session looks nothing up.
    expect(session.checkAddress('127.0.0.1', 'rebind.example', 8080)).toMatchObject({ allowed: false });
    expect(permissive.checkUrl('http://127.0.0.1:8080/')).toEqual({ allowed: true });
  });

  it('takes the address in any spelling of it, and IPv6 in brackets', () => {
    expect(strict.forSession({ onlyAddress: '127.0.0.1:41234' }).checkUrl('http://2130706433:41234/')).toEqual({ allowed: true });
    const v6 = strict.forSession({ onlyAddress: '[::1]:8080' });
    expect(v6.checkUrl('http://[0:0:0:0:0:0:0:1]:8080/')).toEqual({ allowed: true });
    expect(v6.checkUrl('http://[::1]:8081/')).toMatchObject({ allowed: false, reason: expect.stringMatching(/\[::1\]:8081 is not this session's one destination \(\[::1\]:8080\)/) });
  });

  it('refuses anything wider than one address and one port', () => {
    for (const entry of ['127.0.0.0/8', '127.0.0.1', 'localhost:8080', 'demo.example:80', '127.0.0.1:0', '127.0.0.1:70000', '[::1]', '', ' 127.0.0.1:80']) {
      expect(() => strict.forSession({ onlyAddress: entry }), entry).toThrow(EgressPolicyError);
    }
  });
});
