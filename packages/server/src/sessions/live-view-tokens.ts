import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Capability tokens for the live view: `vnc_url` must open in a plain browser tab, which sends no
 * Authorization header, so the URL carries an HMAC of the session id under a server secret.
 * Whoever holds the URL can watch and control that one session, as the public API documents.
 */
export class LiveViewTokens {
  constructor(private readonly secret: Buffer) {}

  tokenFor(sessionId: string): string {
    return createHmac('sha256', this.secret).update(`live-view:${sessionId}`).digest('base64url');
  }

  verify(sessionId: string, token: string): boolean {
    const expected = Buffer.from(this.tokenFor(sessionId));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
