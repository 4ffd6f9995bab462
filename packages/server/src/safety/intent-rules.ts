import { HAZARD_CATEGORY_INFO, type HazardCategory } from './hazard-categories.ts';
import { AMPLIFIERS, DEFAULT_WINDOW, SCREENING_RULES, SHARED_GUARDS, type ScreeningRule } from './screening-rules.ts';
import { screeningTokens, type ScreeningToken } from './screening-text.ts';

/** What the rules say about a task. */
export interface ScreeningVerdict {
  /** `uncertain`: a risk was recognised but the context may make it benign; a classifier decides. */
  verdict: 'refuse' | 'allow' | 'uncertain';
  category: HazardCategory | null;
  /** For a refusal, a sentence the user can act on; it names what was recognised, never the task's words. */
  reason: string;
  ruleId: string | null;
  /** What the deciding rule recognises ("stolen payment card data"); null for allow. */
  recognised: string | null;
}

type Piece = { kind: 'words'; words: readonly string[] } | { kind: 'prefix'; stems: readonly string[] } | { kind: 'any' } | { kind: 'number' };

interface CompiledPhrase {
  pieces: readonly Piece[];
  /** The phrase lists it belongs to. */
  lists: number[];
}

/** A phrase found at tokens[start..end] (inclusive). */
interface Hit {
  start: number;
  end: number;
}

interface CompiledRule {
  rule: ScreeningRule;
  intent: number | undefined;
  object: number;
  target: number | undefined;
  guards: number | undefined;
  except: number | undefined;
  window: number;
}

const NUMBER_RE = /^\d+$/;
/** Longest phrase allowed, so overlap searches look back a bounded distance. */
const MAX_PHRASE_WORDS = 16;
/** `word*` takes at most this many more letters: inflections (bombs, bomber), not other words (bombastic). */
const MAX_SUFFIX = 4;
const PIECE_RE = /^(?:[a-z0-9]+\*?|_|#)$/;

/**
 * The screening rules, compiled once into one index of phrases by their first word (or first two
 * words). Screening a task is a single pass over its words (each word looks up its own spelling,
 * its pair with the next word and a bounded set of prefixes) plus, per rule that matched, searches in sorted hit lists: linear in the task's
 * length up to a logarithm, with no regular expression that could backtrack.
 */
export class IntentRules {
  readonly #rules: CompiledRule[] = [];
  readonly #byWord = new Map<string, CompiledPhrase[]>();
  /** Phrases whose first two pieces are words, by "first second": a common first word ("my") then costs one lookup, not a scan of its phrases. */
  readonly #byPair = new Map<string, CompiledPhrase[]>();
  readonly #byPrefix = new Map<string, CompiledPhrase[]>();
  readonly #prefixLengths: number[];
  readonly #byNumber: CompiledPhrase[] = [];
  /** Phrases that start with a number then a word ("# accounts"), by that word. */
  readonly #byNumberThen = new Map<string, CompiledPhrase[]>();
  readonly #phrases = new Map<string, CompiledPhrase>();
  readonly #sharedGuards: number;
  readonly #amplifiers: number;
  #lists = 0;

  constructor(rules: readonly ScreeningRule[] = SCREENING_RULES, shared: { guards: readonly string[]; amplifiers: readonly string[] } = { guards: SHARED_GUARDS, amplifiers: AMPLIFIERS }) {
    const ids = new Set<string>();
    this.#sharedGuards = this.#list(shared.guards);
    this.#amplifiers = this.#list(shared.amplifiers);
    for (const rule of rules) {
      if (ids.has(rule.id)) throw new Error(`screening rule ${rule.id} is defined twice`);
      ids.add(rule.id);
      if (rule.object.length === 0) throw new Error(`screening rule ${rule.id} has no object`);
      this.#rules.push({
        rule,
        intent: rule.intent === undefined ? undefined : this.#list(rule.intent),
        object: this.#list(rule.object),
        target: rule.target === undefined ? undefined : this.#list(rule.target),
        guards: rule.guards === undefined ? undefined : this.#list(rule.guards),
        except: rule.except === undefined ? undefined : this.#list(rule.except),
        window: rule.window ?? DEFAULT_WINDOW,
      });
    }
    const lengths = new Set<number>();
    for (const phrase of this.#phrases.values()) {
      const first = phrase.pieces[0]!;
      const second = phrase.pieces[1];
      if (first.kind === 'words' && second?.kind === 'words') {
        for (const word of first.words) for (const next of second.words) push(this.#byPair, `${word} ${next}`, phrase);
      } else if (first.kind === 'words') for (const word of first.words) push(this.#byWord, word, phrase);
      else if (first.kind === 'prefix') {
        for (const stem of first.stems) {
          push(this.#byPrefix, stem, phrase);
          lengths.add(stem.length);
        }
      } else if (first.kind === 'number' && second?.kind === 'words') {
        for (const next of second.words) push(this.#byNumberThen, next, phrase);
      } else if (first.kind === 'number') this.#byNumber.push(phrase);
    }
    this.#prefixLengths = [...lengths].sort((a, b) => a - b);
  }

  /** How many rules there are (for reports). */
  get size(): number {
    return this.#rules.length;
  }

  screen(text: string): ScreeningVerdict {
    const hits = this.#match(screeningTokens(text));
    const amplified = hits[this.#amplifiers]!.length > 0;
    let uncertain: CompiledRule | undefined;
    for (const compiled of this.#rules) {
      const state = this.#evaluate(compiled, hits, amplified);
      if (state === 'refuse') return refusal(compiled.rule);
      if (state === 'uncertain') uncertain ??= compiled;
    }
    if (uncertain) {
      const { rule } = uncertain;
      return { verdict: 'uncertain', category: rule.category, reason: `The task mentions ${rule.recognised}; whether it is harmful depends on its context.`, ruleId: rule.id, recognised: rule.recognised };
    }
    return { verdict: 'allow', category: null, reason: 'No screening rule matched.', ruleId: null, recognised: null };
  }

  /** The phrases each list matched, by rule, for reading why a task got its verdict (eval, tests). */
  explain(text: string): string[] {
    const tokens = screeningTokens(text);
    const hits = this.#match(tokens);
    const words = (list: number | undefined): string => (list === undefined ? '' : hits[list]!.map((h) => tokens.slice(h.start, h.end + 1).map((t) => t[0]).join(' ')).join(' | '));
    const lines = [`amplifiers: ${words(this.#amplifiers)}`, `shared guards: ${words(this.#sharedGuards)}`];
    for (const c of this.#rules) {
      const parts = { intent: words(c.intent), object: words(c.object), target: words(c.target), guards: words(c.guards), except: words(c.except) };
      if (parts.object !== '') lines.push(`${c.rule.id}: ${JSON.stringify(parts)}`);
    }
    return lines;
  }

  #evaluate(compiled: CompiledRule, hits: Hit[][], amplified: boolean): 'refuse' | 'uncertain' | undefined {
    const { rule } = compiled;
    const exceptions = compiled.except === undefined ? [] : hits[compiled.except]!;
    const partHits = (list: number | undefined): Hit[] | undefined => (list === undefined ? undefined : withoutExceptions(hits[list]!, exceptions));
    const objects = partHits(compiled.object)!;
    if (objects.length === 0) return undefined;
    const intents = partHits(compiled.intent);
    const targets = partHits(compiled.target);
    const fired = objects.some((object) => (intents === undefined || near(intents, object, compiled.window)) && (targets === undefined || near(targets, object, compiled.window)));
    const own = [objects, intents ?? [], targets ?? []].flat().sort((a, b) => a.start - b.start);
    const guarded = !amplified && this.#guarded(compiled, hits, own);
    // A flag rule names a hazard's vocabulary: it can send a task to the classifier, never refuse it.
    if (rule.atMost === 'uncertain') return fired && !guarded ? 'uncertain' : undefined;
    if (fired) return guarded ? 'uncertain' : 'refuse';
    if (guarded) return undefined;
    // An amplifier ("secretly", "without getting caught") beside a rule's object is reason enough to ask.
    if ((rule.objectAlone ?? 'uncertain') === 'allow' && !amplified) return undefined;
    return 'uncertain';
  }

  /** A guard counts unless it lies inside what the rule itself matched ("mass report", "as my own"). */
  #guarded(compiled: CompiledRule, hits: Hit[][], own: Hit[]): boolean {
    const lists = [compiled.rule.sharedGuards === false ? undefined : this.#sharedGuards, compiled.guards];
    return lists.some((list) => list !== undefined && hits[list]!.some((guard) => !containedIn(own, guard)));
  }

  #match(tokens: readonly ScreeningToken[]): Hit[][] {
    const hits: Hit[][] = Array.from({ length: this.#lists }, () => []);
    const found = new Set<CompiledPhrase>();
    for (let i = 0; i < tokens.length; i++) {
      found.clear();
      const next = tokens[i + 1];
      for (const spelling of tokens[i]!) {
        for (const phrase of this.#byWord.get(spelling) ?? []) found.add(phrase);
        if (next !== undefined) for (const following of next) for (const phrase of this.#byPair.get(`${spelling} ${following}`) ?? []) found.add(phrase);
        for (const length of this.#prefixLengths) {
          if (length > spelling.length) break;
          if (spelling.length - length > MAX_SUFFIX) continue;
          for (const phrase of this.#byPrefix.get(spelling.slice(0, length)) ?? []) found.add(phrase);
        }
        if (NUMBER_RE.test(spelling)) {
          for (const phrase of this.#byNumber) found.add(phrase);
          if (next !== undefined) for (const following of next) for (const phrase of this.#byNumberThen.get(following) ?? []) found.add(phrase);
        }
      }
      for (const phrase of found) {
        if (!matchesAt(phrase, tokens, i)) continue;
        const hit = { start: i, end: i + phrase.pieces.length - 1 };
        for (const list of phrase.lists) hits[list]!.push(hit);
      }
    }
    return hits;
  }

  /** Registers a phrase list; returns its id. */
  #list(phrases: readonly string[]): number {
    const id = this.#lists++;
    for (const text of phrases) {
      const pieces = compilePhrase(text);
      const key = JSON.stringify(pieces);
      const existing = this.#phrases.get(key);
      if (existing) {
        if (!existing.lists.includes(id)) existing.lists.push(id);
      } else {
        this.#phrases.set(key, { pieces, lists: [id] });
      }
    }
    return id;
  }
}

function refusal(rule: ScreeningRule): ScreeningVerdict {
  const info = HAZARD_CATEGORY_INFO[rule.category];
  return {
    verdict: 'refuse',
    category: rule.category,
    reason: `Steward refused this task: it asks for ${rule.recognised} (${info.label}). ${info.advice}`,
    ruleId: rule.id,
    recognised: rule.recognised,
  };
}

/** Phrase text → pieces, spelled the way task words are (apostrophes dropped, leet undone). */
function compilePhrase(text: string): Piece[] {
  const pieces: Piece[] = [];
  for (const raw of text.replace(/['\u2018\u2019\u02BC]/g, '').toLowerCase().split(/[\s\-/.,]+/)) {
    if (raw === '') continue;
    if (!PIECE_RE.test(raw)) throw new Error(`screening phrase ${JSON.stringify(text)}: cannot use ${JSON.stringify(raw)}`);
    if (raw === '_') pieces.push({ kind: 'any' });
    else if (raw === '#') pieces.push({ kind: 'number' });
    else if (raw.endsWith('*')) pieces.push({ kind: 'prefix', stems: spellingsOf(raw.slice(0, -1), text) });
    else pieces.push({ kind: 'words', words: spellingsOf(raw, text) });
  }
  if (pieces.length > MAX_PHRASE_WORDS) throw new Error(`screening phrase ${JSON.stringify(text)} is longer than ${MAX_PHRASE_WORDS} words`);
  if (pieces.length === 0 || pieces[0]!.kind === 'any') throw new Error(`screening phrase ${JSON.stringify(text)} must start with a word or a number`);
  return pieces;
}

function spellingsOf(word: string, phrase: string): string[] {
  // Plain letters are already spelled the way task words are.
  if (/^[a-z]+$/.test(word)) return [word];
  const tokens = screeningTokens(word);
  if (tokens.length !== 1) throw new Error(`screening phrase ${JSON.stringify(phrase)}: ${JSON.stringify(word)} is not one word`);
  return [...tokens[0]!];
}

function matchesAt(phrase: CompiledPhrase, tokens: readonly ScreeningToken[], start: number): boolean {
  const { pieces } = phrase;
  if (start + pieces.length > tokens.length) return false;
  return pieces.every((piece, k) => tokens[start + k]!.some((spelling) => pieceMatches(piece, spelling)));
}

function pieceMatches(piece: Piece, spelling: string): boolean {
  switch (piece.kind) {
    case 'any':
      return true;
    case 'number':
      return NUMBER_RE.test(spelling);
    case 'words':
      return piece.words.includes(spelling);
    case 'prefix':
      return piece.stems.some((stem) => spelling.startsWith(stem) && spelling.length - stem.length <= MAX_SUFFIX);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Hits not inside an exception's span ("bath bomb" hides "bomb"). */
function withoutExceptions(hits: Hit[], exceptions: Hit[]): Hit[] {
  return exceptions.length === 0 ? hits : hits.filter((hit) => !containedIn(exceptions, hit));
}

/** Whether some hit in `sorted` starts within `window` words of `anchor`. */
function near(sorted: Hit[], anchor: Hit, window: number): boolean {
  const from = anchor.start - window;
  const index = firstStartingAtOrAfter(sorted, from);
  const hit = sorted[index];
  return hit !== undefined && hit.start <= anchor.end + window;
}

/** Whether some hit in `sorted` spans all of `hit`. */
function containedIn(sorted: Hit[], hit: Hit): boolean {
  for (let i = firstStartingAtOrAfter(sorted, hit.start - MAX_PHRASE_WORDS); i < sorted.length && sorted[i]!.start <= hit.start; i++) {
    if (sorted[i]!.end >= hit.end) return true;
  }
  return false;
}

function firstStartingAtOrAfter(sorted: Hit[], position: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]!.start < position) low = mid + 1;
    else high = mid;
  }
  return low;
}

let defaultRules: IntentRules | undefined;

/** Screens a task, a follow-up message or a session goal with the built-in rules. */
export function screenIntent(text: string): ScreeningVerdict {
  defaultRules ??= new IntentRules();
  return defaultRules.screen(text);
}
