import type { CreateSessionRequest } from '@steward/protocol';
import { ValidationFailed } from './validate.ts';

/**
 * What each kind of session needs, answered 422 when it is missing or does not belong, never a
 * silent fallback to the server's own Chromium. An `external-cdp` session needs the WebSocket of
 * the client's browser (whether it may be reached is the egress policy's to say); a `desktop`
 * session has no browser of the server's at all (the client drives its screen with step_desktop).
 */
export function refuseUnsupportedSessionKind(body: CreateSessionRequest): void {
  const issues: Array<{ field: string; msg: string }> = [];
  const type = body.agent_session_type ?? 'managed-cdp';
  const cdpUrl = body.cdp_url ?? body.cdp_ws_url;
  if (type === 'desktop' && cdpUrl !== undefined) {
    issues.push({ field: body.cdp_url === undefined ? 'cdp_ws_url' : 'cdp_url', msg: "a CDP URL is for 'external-cdp' sessions; a 'desktop' session's screen is the client's, sent with each step_desktop" });
  }
  if (type === 'desktop') {
    for (const field of ['proxy_url', 'allow_domains', 'deny_domains'] as const) {
      if (body[field] !== undefined) issues.push({ field, msg: "is for sessions with a browser of the server's; a 'desktop' session's network is the client's own" });
    }
  }
  if (type === 'external-cdp' && cdpUrl === undefined) {
    issues.push({ field: 'cdp_url', msg: "an 'external-cdp' session needs cdp_url: your Chromium's DevTools WebSocket (ws://host:port/devtools/browser/<id>, webSocketDebuggerUrl of http://host:port/json/version)" });
  }
  if (type === 'external-cdp' && cdpUrl !== undefined && !/^wss?:\/\//i.test(cdpUrl)) {
    issues.push({ field: body.cdp_url === undefined ? 'cdp_ws_url' : 'cdp_url', msg: 'must be a ws:// or wss:// DevTools WebSocket URL (an http:// DevTools address answers with a WebSocket of its choosing: pass its webSocketDebuggerUrl)' });
  }
  if (type === 'managed-cdp' && cdpUrl !== undefined) {
    issues.push({ field: body.cdp_url === undefined ? 'cdp_ws_url' : 'cdp_url', msg: "a CDP URL is for 'external-cdp' sessions; a 'managed-cdp' session uses the server's own Chromium" });
  }
  if (body.environment_type === 'ubuntu-1' && type !== 'desktop') {
    issues.push({ field: 'environment_type', msg: "'ubuntu-1' (a desktop without a browser) is for 'desktop' sessions, whose screen the client brings; a browser session runs on 'chrome-1'" });
  }
  if (issues.length > 0) throw new ValidationFailed(issues.map((i) => ({ loc: ['body', i.field], msg: i.msg, type: 'unsupported' })));
}
