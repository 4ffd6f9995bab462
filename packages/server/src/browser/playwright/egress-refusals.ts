import type { EgressBlockedEvent, EgressChannel } from '../egress-proxy/egress-proxy.ts';

/** The egress proxy's refusals on one session's channel while a call runs. */
export interface EgressRefusals {
  readonly events: readonly EgressBlockedEvent[];
  /** The refusal that produced `url`'s document, if one did. */
  of(url: string): EgressBlockedEvent | undefined;
  /** The last refused CONNECT: a navigation fails with a tunnel error and no URL of its own. */
  lastTunnel(): EgressBlockedEvent | undefined;
  stop(): void;
}

/** Records refusals on `channel` from now until `stop()`; without a channel (an external browser) there are none. */
export function recordRefusals(channel: EgressChannel | undefined): EgressRefusals {
  const events: EgressBlockedEvent[] = [];
  const stop = channel?.onBlocked((event) => events.push(event)) ?? (() => undefined);
  return {
    events,
    of: (url) => findRefusal(events, url),
    lastTunnel: () => [...events].reverse().find((event) => !event.url.includes('://')),
    stop,
  };
}

/**
 * The same URL for a refused HTTP request, the same host and port for a refused CONNECT tunnel
 * (Chromium keeps the failed URL on its error page).
 */
function findRefusal(events: readonly EgressBlockedEvent[], url: string): EgressBlockedEvent | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  target.hash = '';
  const port = target.port !== '' ? Number(target.port) : target.protocol === 'https:' ? 443 : 80;
  return [...events].reverse().find((event) => {
    if (!event.url.includes('://')) return event.host === target.hostname && event.port === port;
    try {
      const blocked = new URL(event.url);
      blocked.hash = '';
      return blocked.href === target.href;
    } catch {
      return false;
    }
  });
}
