/**
 * Turns task text into the words screening rules match, undoing the cheap disguises: case,
 * punctuation, accents, full-width and mathematical letters (NFKC), Cyrillic and Greek
 * look-alikes, zero-width and bidirectional characters, leet-speak (`h4ck`, `fu11z`, `$tolen`)
 * and spaced-out letters (`c v v`, `s.t.o.l.e.n`). Every step is one pass over the text.
 */

/** One word of the task; two spellings where a leet `1` may stand for `i` or `l`. */
export type ScreeningToken = readonly string[];

// Format characters that render as nothing: inside a word they hide it from a matcher.
const INVISIBLE_RE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF9-\uFFFB]/g;
const CONTROL_RE = /\p{Cc}/gu;
const MARK_RE = /\p{M}/gu;
const APOSTROPHE_RE = /['\u2018\u2019\u02BC\u0060\u00B4]/g;

/** Letters that look like Latin ones (lower case, after NFKC). */
const CONFUSABLES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a', в: 'b', е: 'e', ё: 'e', ԁ: 'd', һ: 'h', і: 'i', ї: 'i', ј: 'j', к: 'k', ӏ: 'l', м: 'm', н: 'h', о: 'o', р: 'p',
  ԛ: 'q', с: 'c', ѕ: 's', т: 't', у: 'y', ԝ: 'w', х: 'x', ү: 'y',
  // Greek
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', γ: 'y', ω: 'w',
  // Latin letters NFD does not decompose
  ı: 'i', ł: 'l', ø: 'o', đ: 'd', ð: 'd', ħ: 'h', ŀ: 'l', ß: 'ss', æ: 'ae', œ: 'oe', þ: 'th', ɡ: 'g',
};
const CONFUSABLE_RE = new RegExp(`[${Object.keys(CONFUSABLES).join('')}]`, 'g');

const LEET: Readonly<Record<string, string>> = { '0': 'o', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i', '|': 'l' };
// A run that may be a leet word: letters, digits and the symbols leet uses.
const RUN_RE = /[a-z0-9@$!|]+/g;
// A number with a unit (3d, 4k, 100mg, 2nd) is not leet: "3d printed" must stay "3d".
const NUMBER_WITH_UNIT_RE = /^\d+[a-z]{1,3}$/;
const HAS_LETTER_RE = /[a-z]/;
const HAS_LEET_RE = /[013457@$!|]/;

/** Lower-case Latin text with disguises undone, words separated by single spaces. */
export function normaliseScreeningText(text: string): string {
  return text
    .replace(INVISIBLE_RE, '')
    .replace(CONTROL_RE, ' ')
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(MARK_RE, '')
    .replace(CONFUSABLE_RE, (c) => CONFUSABLES[c] ?? c)
    .replace(APOSTROPHE_RE, '');
}

/** The words of `text`, each with its spellings (usually one). */
export function screeningTokens(text: string): ScreeningToken[] {
  const tokens: ScreeningToken[] = [];
  const spaced = new SpacedLetters(tokens);
  const normalised = normaliseScreeningText(text);
  let previousEnd = 0;
  for (const match of normalised.matchAll(RUN_RE)) {
    const run = match[0];
    const gap = normalised.slice(previousEnd, match.index);
    previousEnd = match.index + run.length;
    if (run.length === 1 && run >= 'a' && run <= 'z') {
      spaced.letter(run, gap);
      continue;
    }
    spaced.flush();
    for (const spellings of unLeet(run)) tokens.push(spellings);
  }
  spaced.flush();
  return tokens;
}

/**
 * Three or more single letters with the same one-character gap (`c v v`, `s.t.o.l.e.n`) were
 * one word spelled out; a different gap (two spaces, a comma) starts the next word.
 */
class SpacedLetters {
  #letters: string[] = [];
  #gap: string | undefined;

  constructor(private readonly out: ScreeningToken[]) {}

  letter(letter: string, gap: string): void {
    if (this.#letters.length > 0 && (gap.length !== 1 || (this.#gap !== undefined && gap !== this.#gap))) this.flush();
    if (this.#letters.length === 1) this.#gap = gap;
    this.#letters.push(letter);
  }

  flush(): void {
    if (this.#letters.length >= 3) this.out.push([this.#letters.join('')]);
    else for (const letter of this.#letters) this.out.push([letter]);
    this.#letters = [];
    this.#gap = undefined;
  }
}

/** A run becomes one or more words: symbols that are not leet inside a letter word split it. */
function unLeet(raw: string): ScreeningToken[] {
  // `!` and `|` at the edges of a word are punctuation ("stop!"), not letters.
  const run = raw.replace(/^[!|]+|[!|]+$/g, '');
  if (!HAS_LETTER_RE.test(run) || !HAS_LEET_RE.test(run) || NUMBER_WITH_UNIT_RE.test(run)) {
    return words(run).map((w) => [w]);
  }
  const mapped = run.replace(/[03457@$!|]/g, (c) => LEET[c] ?? c);
  if (!mapped.includes('1')) return words(mapped).map((w) => [w]);
  const asI = words(mapped.replace(/1/g, 'i'));
  const asL = words(mapped.replace(/1/g, 'l'));
  return asI.map((w, i) => (asL[i] === w || asL[i] === undefined ? [w] : [w, asL[i]]));
}

function words(run: string): string[] {
  return run.split(/[^a-z0-9]+/).filter((w) => w !== '');
}
