import type { ActionPolicy, ClassifiedAction, GateContext, PolicyVerdict } from './action-review.ts';
import { approvalFor, destinationOf, policyAsks } from './approval-rules.ts';
import { payloadOf, type CarriedData } from './session-data.ts';
import { hostOf } from './task-scope.ts';

/**
 * Session data goes only to the sites the task named, unless the user approves: an action that
 * would carry it elsewhere — opening a URL or following a link whose path, query or fragment holds
 * it, typing it into a page of another site — is asked about (refused under `approval_policy:
 * never`, and always refused for a secret). Data-free navigation and plain link-following stay free:
 * research needs them, and they tell no site anything of the user's.
 *
 * What the page itself submits when a control is clicked is the browser's part (its navigation
 * guard); what the agent is about to send is judged here, before anything runs.
 */
export const dataFlowRule: ActionPolicy = {
  name: 'data_flow',
  review(action, context) {
    const { scope, data } = context;
    if (scope === undefined || data === undefined) return { kind: 'allow' };
    // Text goes in through `type`, whose text is judged; a key pressed alone types a character into
    // whatever has focus (a frame of another site, perhaps), one at a time, past any check.
    if (action.tool === 'press' && typesText(action.args['key'])) {
      return { kind: 'refuse', reason: 'press is for keys and shortcuts (Enter, Tab, Escape, ArrowDown, Control+A); to enter text, use type, whose text is checked.' };
    }
    const carried = carriedElsewhere(action, context);
    if (carried === undefined) return { kind: 'allow' };
    return verdictFor(action, context, carried);
  },
};

function carriedElsewhere(action: ClassifiedAction, { scope, data }: GateContext): CarriedData | undefined {
  if (scope === undefined || data === undefined) return undefined;
  switch (action.tool) {
    case 'navigate':
    case 'open_tab':
    case 'click': {
      const destination = destinationOf(action);
      if (action.tool === 'click' && action.target?.href === undefined) return undefined;
      // A URL of a named site can pass the data on (an open redirect: `/out?to=https://elsewhere/?d=…`),
      // and Chromium follows a redirect without asking the browser's guard: the URLs inside count too.
      for (const url of [destination, ...embeddedUrls(destination)]) {
        if (scope.includes(url) || !/^https?:/i.test(url)) continue;
        // A link the page wrote (or a URL it shows, opened as written) naturally quotes the page's own
        // text; what it must not carry is the user's.
        const followed = action.tool === 'click' || data.wasShown(url);
        const carried = data.carriedBy(payloadOf(url), { read: !followed });
        if (carried !== undefined) return carried;
      }
      return undefined;
    }
    case 'type': {
      const text = action.args['text'];
      if (typeof text !== 'string' || scope.includes(destinationOf(action))) return undefined;
      return data.carriedBy(text);
    }
    default:
      return undefined;
  }
}

function verdictFor(action: ClassifiedAction, context: GateContext, carried: CarriedData): PolicyVerdict {
  const where = hostOf(destinationOf(action));
  const named = context.scope?.sites.join(', ') || 'none';
  if (carried.kind === 'secret') {
    return { kind: 'refuse', reason: `this would carry ${carried.hint} to ${where}, which the task never named (its sites: ${named}).` };
  }
  if (!policyAsks(context.approvalPolicy, 'share_data')) {
    return { kind: 'refuse', reason: `this would carry ${carried.hint} to ${where}, which the task never named (its sites: ${named}), and this session's approval_policy is never, so it cannot be approved. Ask the user if the task needs it.` };
  }
  return { kind: 'ask', approval: approvalFor(action, 'share_data', context, carried.hint) };
}

/** A key that enters a character: one printable character, alone or with Shift (not a space, not a shortcut). */
function typesText(key: unknown): boolean {
  if (typeof key !== 'string') return false;
  const bare = key.replace(/^Shift\+/i, '');
  return [...bare].length === 1 && bare.trim() !== '';
}

/** Absolute URLs inside a URL's query and fragment (decoded, up to two levels of encoding). */
function embeddedUrls(url: string): string[] {
  let rest: string;
  try {
    const parsed = new URL(url);
    rest = `${parsed.search} ${parsed.hash}`;
  } catch {
    return [];
  }
  for (let i = 0; i < 2; i++) {
    try {
      rest = `${rest} ${decodeURIComponent(rest.replace(/\+/g, ' '))}`;
    } catch {
      break;
    }
  }
  return [...new Set(rest.match(/https?:\/\/[^\s&"'<>]+/gi) ?? [])].slice(0, 20);
}

