import type { CreateSessionRequest } from '@steward/protocol';
import { ValidationFailed } from './validate.ts';

/**
 * The kinds of session the spec names but this server does not run yet answer 422 with what it
 * does run, never a silent fallback to its own Chromium: a client asking to drive its own screen
 * (`desktop`) would otherwise get an agent it did not ask for. An `external-cdp` session needs the
 * WebSocket of the client's browser; whether it may be reached is the egress policy's to say.
 */
export function refuseUnsupportedSessionKind(body: CreateSessionRequest): void {
  const issues: Array<{ field: string; msg: string }> = [];
  const type = body.agent_session_type ?? 'managed-cdp';
  const cdpUrl = body.cdp_url ?? body.cdp_ws_url;
  if (type === 'desktop') {
    issues.push({ field: 'agent_session_type', msg: "'desktop' sessions are not supported by this server yet: 'managed-cdp' (the agent drives the server's own Chromium) and 'external-cdp' (the agent drives your Chromium at cdp_url)" });
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
  if (body.environment_type === 'ubuntu-1') {
    issues.push({ field: 'environment_type', msg: "'ubuntu-1' (a desktop without a browser) is not supported by this server: only 'chrome-1'" });
  }
  if (issues.length > 0) throw new ValidationFailed(issues.map((i) => ({ loc: ['body', i.field], msg: i.msg, type: 'unsupported' })));
}
