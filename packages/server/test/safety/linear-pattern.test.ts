import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileLinearPattern, MAX_PATTERN_WEIGHT, PatternRefusedError } from '../../src/safety/index.ts';
import { patternWeight } from '../../src/safety/pattern-weight.ts';

/** Runs `fn` and returns how long it blocked; the bounds below detect a freeze, they are no benchmark. */
function blocked(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function refusal(source: string): string {
  try {
    compileLinearPattern(source);
  } catch (error) {
    expect(error).toBeInstanceOf(PatternRefusedError);
    return (error as Error).message;
  }
  throw new Error(`${source} was accepted`);
}

describe('compileLinearPattern', () => {
  it('runs the catastrophic ^(a+)+$ in linear time (V8 needs seconds for 31 a and a !)', () => {
    const pattern = compileLinearPattern('^(a+)+$');
    for (const subject of [`${'a'.repeat(31)}!`, `${'a'.repeat(5_000)}!`, `${'a'.repeat(50_000)}!`]) {
      let matched: boolean | undefined;
      expect(blocked(() => (matched = pattern.test(subject)))).toBeLessThan(1_000);
      expect(matched).toBe(false);
    }
    expect(pattern.test('aaaa')).toBe(true);
  });

  it('matches anywhere in the subject, as JSON Schema patterns do', () => {
    const pattern = compileLinearPattern('\\d{3}');
    expect(pattern.test('order 123 shipped')).toBe(true);
    expect(pattern.test('order 12')).toBe(false);
    expect(compileLinearPattern('^\\p{L}+$').test('Ελληνικά')).toBe(true);
  });

  it('refuses backreferences, lookahead and lookbehind, saying which', () => {
    expect(refusal('^(a)\\1$')).toMatch(/backreference.*RE2/);
    expect(refusal('^(?<q>a)\\k<q>$')).toMatch(/backreference/);
    expect(refusal('^(?=a)a')).toMatch(/lookahead or lookbehind/);
    expect(refusal('(?<!a)b')).toMatch(/lookahead or lookbehind/);
  });

  it('refuses what is not an ECMAScript pattern, even where RE2 would take it', () => {
    expect(refusal('(?i)abc')).toBe('is not an ECMAScript regular expression');
    expect(refusal('a{2,1}')).toBe('is not an ECMAScript regular expression');
  });

  it('refuses programs too big to run in a few milliseconds, before compiling them', () => {
    for (const heavy of ['\\p{L}{30}', '(?:a|ab){1000}c', '[\\s\\S]{333}[\\s\\S]{333}[\\s\\S]{333}y', '(?:[^x]{10}x?){100}c']) {
      expect(refusal(heavy)).toMatch(new RegExp(`weighs \\d+, at most ${MAX_PATTERN_WEIGHT}`));
    }
  });

  it('accepts everyday patterns', () => {
    for (const everyday of ['^\\d{4}-\\d{2}-\\d{2}$', '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', '^.{1,100}$', '^\\+?[1-9]\\d{1,14}$', '^(?<year>\\d{4})$']) {
      expect(compileLinearPattern(everyday).weight).toBeLessThanOrEqual(MAX_PATTERN_WEIGHT);
    }
  });
});

describe('patternWeight', () => {
  it('multiplies counted repetitions and adds alternatives', () => {
    expect(patternWeight('a{100}')).toBeGreaterThan(50 * patternWeight('a+'));
    expect(patternWeight('(?:ab){10}')).toBeGreaterThan(patternWeight('(?:ab){5}'));
    expect(patternWeight('a|b|c')).toBeGreaterThan(patternWeight('a'));
    expect(patternWeight('\\p{L}')).toBeGreaterThan(patternWeight('[a-z]'));
  });

  it('ends with a finite weight on any text, valid pattern or not', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('(', ')', '[', ']', '{', '}', '\\', '|', '?', '*', '+', ',', '1', '9', 'a', 'p', 'Q', 'E', '^', ':', 'é') }), (source) => {
        const weight = patternWeight(source);
        return Number.isFinite(weight) && weight >= 0;
      }),
    );
  });
});
