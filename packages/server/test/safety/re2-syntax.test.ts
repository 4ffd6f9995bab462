import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileLinearPattern } from '../../src/safety/index.ts';
import { toRe2Syntax } from '../../src/safety/re2-syntax.ts';

/**
 * ECMAScript patterns whose escapes RE2 writes differently; each must match on RE2 exactly
 * where V8 (with the `u` flag JSON Schema patterns are read with) matches.
 */
const ESCAPES = [
  '^\\u0041\\u{1F600}$', // A😀
  '[\\u0020-\\u007E]+', // printable ASCII
  '^\\uD83D\\uDE00$', // 😀 as a surrogate pair
  '\\cJ', // a newline
  '^[\\b]$', // a backspace
  '^\\p{Letter}+$',
  '^\\p{General_Category=Uppercase_Letter}',
  '\\p{gc=Nd}',
  '^\\p{Script=Greek}+$',
  '\\p{sc=Cyrillic}',
  '\\P{Letter}',
  '^[^]$', // any one character
  'a[]', // never
  '^\\/path\\.json$',
  '^(?<year>\\d{4})-\\d{2}$',
  '\\x41',
];
const SUBJECTS = ['A😀', 'A', '😀', 'hello world', '\n', '\b', 'Ελληνικά', 'Greek Ω', 'Кириллица', 'abc', 'ABC', '123', 'x', 'a', '', '/path.json', '2024-06', ' ', '\u00e9', 'A😀!'];

describe('toRe2Syntax', () => {
  it('keeps V8 and RE2 agreeing on every escape that RE2 writes differently', () => {
    for (const source of ESCAPES) {
      const v8 = new RegExp(source, 'u');
      const linear = compileLinearPattern(source);
      for (const subject of SUBJECTS) expect([source, subject, linear.test(subject)]).toEqual([source, subject, v8.test(subject)]);
    }
  });

  it('reads an identity escape of a letter as the letter, as ECMAScript does without the u flag', () => {
    // In RE2 `\a` is a bell, `\z` the end of text and `\Q…\E` a quote; in ECMAScript the letters.
    for (const [source, subject] of [['\\a', 'a'], ['x\\z', 'xz'], ['\\Qa', 'Qa']] as const) {
      expect(new RegExp(source).test(subject)).toBe(true);
      expect(compileLinearPattern(source).test(subject)).toBe(true);
    }
  });

  it('leaves a doubled backslash alone, so `\\\\u0041` stays a backslash and the text u0041', () => {
    expect(toRe2Syntax('\\\\u0041')).toBe('\\\\u0041');
    expect(compileLinearPattern('^\\\\u0041$').test('\\u0041')).toBe(true);
  });

  it('agrees with V8 on generated patterns of literals, classes, escapes and quantifiers', () => {
    const atom = fc.constantFrom('a', 'b', '\\u0061', '\\u{62}', '[ab]', '[^a]', '\\d', '\\p{L}', '\\P{L}', '\\cA', '[\\u0061-\\u0063]', '.', '\\.', '\\x62');
    const piece = fc.tuple(atom, fc.constantFrom('', '*', '+', '?', '{2}', '{1,3}')).map(([a, q]) => a + q);
    const pattern = fc.array(piece, { minLength: 1, maxLength: 5 }).map((pieces) => pieces.join(''));
    const subject = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '1', '.', '\u0001', 'é', ' ') , maxLength: 8 });
    fc.assert(
      fc.property(pattern, subject, (source, text) => compileLinearPattern(source).test(text) === new RegExp(source, 'u').test(text)),
      { numRuns: 2_000 },
    );
  });
});
