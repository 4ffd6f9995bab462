import { RE2JS } from 're2js';
import { patternWeight } from './pattern-weight.ts';
import { toRe2Syntax } from './re2-syntax.ts';

/**
 * The heaviest pattern accepted (`patternWeight`). At this weight the worst pattern found takes
 * about 3 ms on MAX_PATTERN_SUBJECT_LENGTH characters; at twice it, 8 ms, and Unicode-property
 * repetitions fall off a cliff soon after (`\p{L}{20}`: 144 ms). `^.{1,100}$` weighs about 500.
 */
export const MAX_PATTERN_WEIGHT = 600;
/** Longest string a pattern is run on: RE2's time is linear in it. The `done` text limit. */
export const MAX_PATTERN_SUBJECT_LENGTH = 50_000;

/** A client's or a model's regular expression, run by RE2: time linear in the subject, never backtracking. */
export interface LinearPattern {
  readonly source: string;
  readonly weight: number;
  /** Whether the pattern matches somewhere in `subject` (not anchored, as JSON Schema says). */
  test(subject: string): boolean;
}

/** Why a pattern cannot be used, in words for whoever wrote it. */
export class PatternRefusedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PatternRefusedError';
  }
}

// Compiled programs are immutable and `test` keeps no state without the g/y flags, so one program
// serves every schema that names the pattern; a schema is compiled at the edge and again per task.
const compiled = new Map<string, LinearPattern>();
const CACHE_ENTRIES = 512;

/**
 * `source` as a linear-time pattern, or `PatternRefusedError`: when it is not an ECMAScript
 * regular expression (JSON Schema patterns are), when RE2 has no equivalent (lookaround,
 * backreferences), or when its program would be too big to run in a few milliseconds.
 */
export function compileLinearPattern(source: string): LinearPattern {
  const known = compiled.get(source);
  if (known !== undefined) return known;
  // V8 only parses here (it compiles on first use), in time linear in the source.
  if (!isEcmaScriptPattern(source)) throw new PatternRefusedError('is not an ECMAScript regular expression');
  // Weighed before RE2 compiles it: compiling a heavy program is itself slow (`\p{L}{30}`: 20 ms).
  const weight = patternWeight(source);
  if (weight > MAX_PATTERN_WEIGHT) {
    throw new PatternRefusedError(
      `is too heavy to run in linear time: it weighs ${weight}, at most ${MAX_PATTERN_WEIGHT} (counted repetitions multiply; bound lengths with minLength/maxLength instead of {n,m})`,
    );
  }
  let program: RE2JS;
  try {
    program = RE2JS.compile(toRe2Syntax(source));
  } catch (error) {
    throw new PatternRefusedError(unsupportedReason(error instanceof Error ? error.message : String(error)), { cause: error });
  }
  const pattern: LinearPattern = { source, weight, test: (subject) => program.test(subject) };
  if (compiled.size >= CACHE_ENTRIES) compiled.delete(compiled.keys().next().value!);
  compiled.set(source, pattern);
  return pattern;
}

function isEcmaScriptPattern(source: string): boolean {
  for (const flags of ['u', '']) {
    try {
      new RegExp(source, flags);
      return true;
    } catch {
      // try the other mode: JSON Schema does not say which one
    }
  }
  return false;
}

function unsupportedReason(engineMessage: string): string {
  // "error parsing regexp: invalid escape sequence: `\1`" reads as "invalid escape sequence: \1".
  const re2Message = engineMessage.replace(/^error parsing regexp: /, '').replace(/`([^`]*)`/g, '$1');
  if (/\(\?<?[=!]/.test(re2Message)) return `uses lookahead or lookbehind, which the linear-time engine (RE2) does not have (${re2Message})`;
  if (/\\[1-9k]/.test(re2Message)) return `uses a backreference, which the linear-time engine (RE2) does not have (${re2Message})`;
  return `is not supported by the linear-time engine (RE2): ${re2Message}`;
}
