import { StewardError } from '../core/errors.ts';

/**
 * The path of a desktop session's `agent_url`, to be sent to the client's own server. The key
 * goes only where the client was configured to send it: an `agent_url` naming another origin (a
 * public URL behind a proxy) is followed by its `/v1/…` path on `baseUrl`, never by its host.
 */
export function agentPath(agentUrl: string, baseUrl: string): string {
  const trimmed = agentUrl.replace(/\/+$/, '');
  if (trimmed.startsWith(`${baseUrl}/`)) return trimmed.slice(baseUrl.length);
  let pathname: string;
  try {
    pathname = new URL(trimmed).pathname;
  } catch {
    throw new StewardError(`agentUrl is not a URL: ${agentUrl}`);
  }
  const at = pathname.indexOf('/v1/');
  if (at === -1) throw new StewardError(`agentUrl is not a session's agent URL (…/v1/sessions/{id}/desktop): ${agentUrl}`);
  return pathname.slice(at);
}
