import type { CreateSessionRequest } from '@steward/protocol';
import { ValidationFailed } from './validate.ts';

/**
 * The kinds of session the spec names but this server does not run yet answer 422 with what it
 * does run, never a silent fallback to its own Chromium: a client asking to drive its own screen
 * (`desktop`) or its own browser (`external-cdp`) would otherwise get an agent it did not ask for.
 */
export function refuseUnsupportedSessionKind(body: CreateSessionRequest): void {
  const issues: Array<{ field: string; msg: string }> = [];
  const type = body.agent_session_type ?? 'managed-cdp';
  if (type !== 'managed-cdp') {
    issues.push({ field: 'agent_session_type', msg: `'${type}' sessions are not supported by this server yet: only 'managed-cdp' (the agent drives the server's own Chromium)` });
  }
  if (type === 'managed-cdp' && (body.cdp_url ?? body.cdp_ws_url) !== undefined) {
    issues.push({ field: body.cdp_url === undefined ? 'cdp_ws_url' : 'cdp_url', msg: "a CDP URL is for 'external-cdp' sessions; a 'managed-cdp' session uses the server's own Chromium" });
  }
  if (body.environment_type === 'ubuntu-1') {
    issues.push({ field: 'environment_type', msg: "'ubuntu-1' (a desktop without a browser) is not supported by this server: only 'chrome-1'" });
  }
  if (issues.length > 0) throw new ValidationFailed(issues.map((i) => ({ loc: ['body', i.field], msg: i.msg, type: 'unsupported' })));
}
