// The cost of the heaviest patterns a client or a model may send (decision 0006): families of
// patterns known to be slow on a linear-time engine, each scaled up to the largest weight under
// the bound, run on adversarial subjects of the longest length a pattern is run on. The figure
// that matters is the worst single `test`: it blocks the event loop for every tenant.
import { compileLinearPattern, MAX_PATTERN_SUBJECT_LENGTH, MAX_PATTERN_WEIGHT } from '../../packages/server/src/safety/index.ts';
import { patternWeight } from '../../packages/server/src/safety/pattern-weight.ts';
import { summarize, type LatencySummary } from '../stats.ts';

/** Patterns RE2 runs slowly: alternations that keep many threads alive, Unicode classes, counted repeats. */
const FAMILIES: readonly ((n: number) => string)[] = [
  (n) => `(?:a|ab){${n}}c`,
  (n) => `\\p{L}{${n}}1`,
  (n) => `(?:[^x]{10}x?){${n}}c`,
  (n) => `[\\s\\S]{${n}}y`,
  (n) => `.{${n}}x`,
  (n) => `(?:a|b|c|d){${n}}e`,
  (n) => `(?:a*){${n}}b`,
  (n) => `[^z]{${n}}[^z]{${n}}z`,
  (n) => `(?:\\w+\\s?){${n}}!`,
  (n) => `(?:\\d|\\w){${n}}#`,
  (n) => `(?:.a|a.){${n}}q`,
  (n) => `(?:[a-z]{1,3}){${n}}9`,
  (n) => `(?:\\p{Lu}|\\p{Ll}){${n}}0`,
  (n) => `^(?:a?){${n}}a{${n}}$`,
  (n) => `(?:x|[^y]){${n}}y`,
];

function subjects(length: number): string[] {
  const fill = (unit: string): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  const bases = [fill('a'), fill('ab'), fill('ĀaßΩ'), fill('abcd '), fill('aaaaaaaaax')];
  // Each also with the literal the pattern ends on sprinkled through, so no engine can reject it early.
  return bases.flatMap((s) => [s, `${s.slice(0, -1)}c`, s.replace(/(.{97})./gsu, '$1ceyxq!#90z').slice(0, length)]);
}

export interface PatternCostResult {
  max_weight: number;
  subject_chars: number;
  patterns: number;
  /** The slowest `test` of the first pattern the process runs (half the bound), in ms. */
  first_test_ms: number;
  /** The slowest `test` over every pattern at the bound and every subject, in ms. */
  worst_test_ms: number;
  worst_pattern: string;
  /** Per pattern, its slowest test. */
  test_ms: LatencySummary;
  compile_ms: LatencySummary;
}

export function runPatternCostSuite(): PatternCostResult {
  const texts = subjects(MAX_PATTERN_SUBJECT_LENGTH);
  const largestUnder = (family: (n: number) => string, bound: number): string => {
    let best = family(1);
    for (let n = 1; n < 5_000 && patternWeight(family(n)) <= bound; n++) best = family(n);
    return best;
  };
  const slowest = (run: (subject: string) => unknown): number => {
    let worst = 0;
    for (const subject of texts) {
      const started = performance.now();
      run(subject);
      worst = Math.max(worst, performance.now() - started);
    }
    return worst;
  };

  // The first pattern a process runs also pays for compiling the engine's own code; after that
  // every program is new (its automaton is built as it runs), as a client's schema is.
  const first = compileLinearPattern(largestUnder(FAMILIES[0]!, MAX_PATTERN_WEIGHT / 2));
  const firstTestMs = slowest((subject) => first.test(subject));
  for (const family of FAMILIES.slice(1)) {
    const warmup = compileLinearPattern(largestUnder(family, MAX_PATTERN_WEIGHT / 2));
    slowest((subject) => warmup.test(subject));
  }

  const compileMs: number[] = [];
  const testMs: number[] = [];
  let worst = { ms: 0, pattern: '' };
  for (const family of FAMILIES) {
    const source = largestUnder(family, MAX_PATTERN_WEIGHT);
    const started = performance.now();
    const pattern = compileLinearPattern(source);
    compileMs.push(performance.now() - started);
    const ms = slowest((subject) => pattern.test(subject));
    testMs.push(ms);
    if (ms > worst.ms) worst = { ms, pattern: source };
  }

  return {
    max_weight: MAX_PATTERN_WEIGHT,
    subject_chars: MAX_PATTERN_SUBJECT_LENGTH,
    patterns: FAMILIES.length,
    first_test_ms: round2(firstTestMs),
    worst_test_ms: round2(worst.ms),
    worst_pattern: worst.pattern,
    test_ms: summarize(testMs),
    compile_ms: summarize(compileMs),
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
