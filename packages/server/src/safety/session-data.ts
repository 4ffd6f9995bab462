/**
 * What a task knows that a site it never named must not receive without the user's say: the
 * values the agent typed, secrets, the private values of the task's own words (emails, phone and
 * account numbers, codes), and text it read on the task's sites. The action gate asks
 * `carriedData` of every URL or text an action would take elsewhere.
 *
 * Plain words of the task ("cheapest flight to Rome") are not private: a search for them is
 * research, and stays free.
 */

/** Emails, runs of 4+ digits (however grouped), and letter+digit tokens of 8+ characters (order ids, codes, keys). */
const PRIVATE_VALUE = /[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+|\+?\d(?:[\d\s().-]{2,30}\d)|\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{8,64}\b/g;
const MIN_DIGITS = 4;
/** Shorter typed values are too common ("yes", "Rome") to tell anything; longer page text is a quote. */
export const MIN_TYPED_LENGTH = 4;
export const MIN_QUOTED_LENGTH = 16;
/** Page text kept per task, newest last: enough for the pages a task reads, bounded for memory. */
const MAX_READ_TEXT = 400_000;

export type SessionDataKind = 'typed' | 'secret' | 'task' | 'read';

export interface CarriedData {
  kind: SessionDataKind;
  /** A short, masked hint of what matched, for the question and the log: never the value itself. */
  hint: string;
  /** What matched, normalised: how an approval names exactly the data it let go. Never shown. */
  value: string;
}

/** The private values of a text: what the task gave that is the user's own. */
export function privateValues(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(PRIVATE_VALUE)) {
    const value = match[0].trim();
    if (!value.includes('@') && /^[\d\s().+-]+$/.test(value) && value.replace(/\D/g, '').length < MIN_DIGITS) continue;
    out.push(value);
  }
  return out;
}

/**
 * The session data of one task. Values are kept normalised (lower case, letters and digits only)
 * so that an encoding, a case change or separators do not hide them in a URL.
 */
export class SessionDataLedger {
  readonly #values = new Map<string, SessionDataKind>();
  readonly #shownUrls = new Set<string>();
  #read = '';

  /** The task's text and its follow-ups: their private values. */
  addTaskText(text: string): void {
    for (const value of privateValues(text)) this.#add(value, 'task');
  }

  /** A value the agent typed into a page (the placeholders of secrets are not values). */
  addTyped(text: string): void {
    const plain = text.replace(/\{\{secret:[A-Za-z0-9_]+\}\}/g, ' ').trim();
    if (plain.length >= MIN_TYPED_LENGTH) this.#add(plain, 'typed');
    for (const value of privateValues(plain)) this.#add(value, 'typed');
  }

  addSecret(value: string): void {
    this.#add(value, 'secret');
  }

  /** A URL a page of the task's sites showed (a link's href, a URL in its text): following it is link-following. */
  addShownUrl(url: string): void {
    const normal = normalise(url);
    if (normal.length >= MIN_TYPED_LENGTH) this.#shownUrls.add(normal);
  }

  /** Whether the URL was shown by a page of the task's sites (as a link, or written in its text). */
  wasShown(url: string): boolean {
    const normal = normalise(url);
    return this.#shownUrls.has(normal) || (normal.length >= MIN_QUOTED_LENGTH && this.#read.includes(normal));
  }

  /** Text seen on a page of one of the task's sites. */
  addRead(text: string): void {
    const normal = normalise(text);
    if (normal.length < MIN_QUOTED_LENGTH || this.#read.includes(normal)) return;
    this.#read = `${this.#read}\n${normal}`.slice(-MAX_READ_TEXT);
  }

  /**
   * What of the session's data `text` carries, if any: a URL (its path, query and fragment,
   * decoded) or text about to be typed. Looks for each value, and (unless `read: false`) for any
   * 16 characters in a row of text read on the task's sites.
   */
  carriedBy(text: string, options: { read?: boolean } = {}): CarriedData | undefined {
    return this.carriedAll(text, options)[0];
  }

  /** Every piece of session data `text` carries (see `carriedBy`), values first, then quotes. */
  carriedAll(text: string, options: { read?: boolean } = {}): CarriedData[] {
    const normal = normalise(decodeAll(text));
    if (normal === '') return [];
    const out: CarriedData[] = [];
    for (const [value, kind] of this.#values) {
      if (normal.includes(value)) out.push({ kind, hint: hintOf(value, kind), value });
    }
    if (options.read !== false && this.#read !== '' && normal.length >= MIN_QUOTED_LENGTH) {
      for (let at = 0; at + MIN_QUOTED_LENGTH <= normal.length; at += 4) {
        const window = normal.slice(at, at + MIN_QUOTED_LENGTH);
        if (this.#read.includes(window)) out.push({ kind: 'read', hint: `text read on the task's sites ("${window.slice(0, 8)}…")`, value: window });
      }
    }
    return out;
  }

  #add(value: string, kind: SessionDataKind): void {
    const normal = normalise(value);
    const digitsOnly = /^\d+$/.test(normal);
    if (normal.length < (digitsOnly ? MIN_DIGITS : MIN_TYPED_LENGTH)) return;
    // A secret's kind wins: it decides whether the action may be asked about at all.
    if (this.#values.get(normal) !== 'secret') this.#values.set(normal, kind);
  }
}

/** The part of a URL that carries data: everything after the host. Text that is no URL counts whole. */
export function payloadOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname} ${parsed.search} ${parsed.hash} ${parsed.username} ${parsed.password}`;
  } catch {
    return url;
  }
}

function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * Percent-encoding (up to three times over, as redirects do), `+` for spaces, and tokens of 8+
 * characters that read as base64 (standard or URL-safe) or hex of printable text: the decoded
 * copies are searched too.
 */
function decodeAll(text: string): string {
  let out = text.replace(/\+/g, ' ');
  for (let i = 0; i < 3; i++) {
    try {
      const next = decodeURIComponent(out);
      if (next === out) break;
      out = next;
    } catch {
      break;
    }
  }
  const decoded = out === text ? text : `${text} ${out}`;
  const extra: string[] = [];
  // With `/` (standard base64) and without it (URL-safe, or a path segment after a slash).
  const tokens = new Set([...(decoded.match(/[A-Za-z0-9+/_-]{8,}={0,2}/g) ?? []), ...(decoded.match(/[A-Za-z0-9+_-]{8,}={0,2}/g) ?? [])]);
  for (const token of tokens) {
    const base64 = printable(Buffer.from(token.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
    if (base64 !== undefined) extra.push(base64);
    if (/^(?:[0-9a-f]{2}){6,}$/i.test(token)) {
      const hex = printable(Buffer.from(token, 'hex').toString('utf8'));
      if (hex !== undefined) extra.push(hex);
    }
  }
  return extra.length === 0 ? decoded : `${decoded} ${extra.join(' ')}`;
}

/** The text when it is mostly printable (a real decoding), else undefined (noise from a random token). */
function printable(text: string): string | undefined {
  if (text.length < 4) return undefined;
  const readable = text.match(/[\p{L}\p{N}\p{P}\p{Zs}]/gu)?.length ?? 0;
  return readable / text.length >= 0.9 && !text.includes('\uFFFD') ? text : undefined;
}

function hintOf(value: string, kind: SessionDataKind): string {
  const what = kind === 'typed' ? 'a value typed in this task' : kind === 'secret' ? 'a secret' : kind === 'task' ? "a private value from the task's text" : 'text read in this task';
  // No character of it: a typed value may be a password the page did not mark.
  return kind === 'secret' ? what : `${what} (${value.length} characters)`;
}
