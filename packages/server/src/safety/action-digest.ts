import { createHash } from 'node:crypto';
import type { ApprovalAction } from './action-review.ts';

/** What an approval's digest covers; see docs/trust-and-safety.md#approvals. */
export interface DigestedAction {
  action: ApprovalAction;
  amount: number | null;
  currency: string | null;
  paymentToken: string | null;
}

/**
 * SHA-256 (hex) of the canonical JSON of the action: object keys sorted, no spaces, numbers as
 * JSON writes them, of `{v: 1, kind, tool, element: {name, role} | null, origin, path, amount,
 * currency, token}`. The same action on the same page for the same amount always has the same
 * digest, and any change to one of them a different one, so an approval names one action.
 */
export function actionDigest({ action, amount, currency, paymentToken }: DigestedAction): string {
  const input = {
    v: 1,
    kind: action.kind,
    tool: action.tool,
    element: action.element === null ? null : { role: action.element.role, name: action.element.name },
    origin: action.site,
    path: action.path,
    amount,
    currency,
    token: paymentToken,
  };
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

/** JSON with object keys in code-point order at every level (RFC 8785's ordering, for the values used here). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}
