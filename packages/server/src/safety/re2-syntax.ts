/** Classes of every code point and of none: ECMAScript's `[^]` and `[]`. */
const ANYTHING = '[\\x{0}-\\x{10FFFF}]';
const NOTHING = '[^\\x{0}-\\x{10FFFF}]';

/**
 * ECMAScript regular-expression syntax rewritten in RE2's, for the escapes where the two differ.
 * The source has already parsed as ECMAScript (`linear-pattern.ts` checks that first), so this
 * only has to rewrite, never to judge; what RE2 has no form for (lookaround, backreferences) is
 * left as written for RE2 to refuse.
 *
 * - `\uHHHH`, a surrogate pair of them, and `\u{H…}` become `\x{H…}` (one code point);
 * - `\cX` becomes the control character it names;
 * - `[]` and `[^]` (no character, any character) become classes RE2 reads the same way;
 * - `[\b]` (a backspace inside a class) becomes `\x{8}`;
 * - `\p{…}` long names (`Letter`, `General_Category=Lu`, `Script=Greek`, `sc=Greek`) become the
 *   names RE2 knows (`L`, `Lu`, `Greek`);
 * - an identity escape of a letter that means nothing in ECMAScript (`\a`, `\z`, `\Q`, legal
 *   without the `u` flag) becomes the letter it stands for, where RE2 would read an operator.
 */
export function toRe2Syntax(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; ) {
    const ch = source[i]!;
    if (ch !== '\\') {
      // ECMAScript's empty classes: RE2 would read `]` as the class's first member.
      if (ch === '[' && !inClass && source.startsWith('[]', i)) {
        out += NOTHING;
        i += 2;
        continue;
      }
      if (ch === '[' && !inClass && source.startsWith('[^]', i)) {
        out += ANYTHING;
        i += 3;
        continue;
      }
      if (ch === '[' && !inClass) inClass = true;
      else if (ch === ']' && inClass) inClass = false;
      out += ch;
      i += 1;
      continue;
    }
    const next = source[i + 1];
    if (next === undefined) {
      out += ch;
      break;
    }
    const escape = rewriteEscape(source, i, inClass);
    out += escape.text;
    i = escape.end;
  }
  return out;
}

interface Rewritten {
  text: string;
  /** Index just past the escape in the source. */
  end: number;
}

/** Letters that are escapes in ECMAScript; any other letter after `\` stands for itself. */
const ECMASCRIPT_LETTER_ESCAPES = new Set(['b', 'B', 'c', 'd', 'D', 'f', 'k', 'n', 'p', 'P', 'r', 's', 'S', 't', 'u', 'v', 'w', 'W', 'x']);

function rewriteEscape(source: string, at: number, inClass: boolean): Rewritten {
  const letter = source[at + 1]!;
  switch (letter) {
    case 'u':
      return unicodeEscape(source, at) ?? { text: 'u', end: at + 2 };
    case 'c': {
      const control = source[at + 2];
      if (control !== undefined && /[A-Za-z]/.test(control)) return { text: codePoint(control.charCodeAt(0) % 32), end: at + 3 };
      // Without the `u` flag `\c` before a non-letter is a backslash and a `c`.
      return { text: '\\\\c', end: at + 2 };
    }
    case 'b':
      return { text: inClass ? codePoint(8) : '\\b', end: at + 2 };
    case 'p':
    case 'P': {
      const property = unicodeProperty(source, at);
      if (property !== undefined) return property;
      return { text: `\\${letter}`, end: at + 2 };
    }
    case 'v':
      return { text: '\\v', end: at + 2 };
    default:
      if (/[A-Za-z]/.test(letter) && !ECMASCRIPT_LETTER_ESCAPES.has(letter)) return { text: letter, end: at + 2 };
      // Everything else (`\\`, `\/`, `\.`, `\d`, `\1`, `\k<name>`, `\x41`, …) reads the same in RE2,
      // or is refused by it as it should be. A surrogate pair after `\` is one character.
      {
        const width = (letter.codePointAt(0) ?? 0) > 0xffff ? 2 : 1;
        return { text: source.slice(at, at + 1 + width), end: at + 1 + width };
      }
  }
}

function codePoint(value: number): string {
  return `\\x{${value.toString(16).toUpperCase()}}`;
}

const HIGH_SURROGATE = /^[dD][89abAB][0-9a-fA-F]{2}$/;
const LOW_SURROGATE = /^[dD][c-fC-F][0-9a-fA-F]{2}$/;

function unicodeEscape(source: string, at: number): Rewritten | undefined {
  if (source[at + 2] === '{') {
    const close = source.indexOf('}', at + 3);
    const digits = close === -1 ? '' : source.slice(at + 3, close);
    if (!/^[0-9a-fA-F]+$/.test(digits)) return undefined;
    return { text: codePoint(Number.parseInt(digits, 16)), end: close + 1 };
  }
  const unit = source.slice(at + 2, at + 6);
  if (!/^[0-9a-fA-F]{4}$/.test(unit)) return undefined;
  if (HIGH_SURROGATE.test(unit) && source.slice(at + 6, at + 8) === '\\u') {
    const low = source.slice(at + 8, at + 12);
    if (LOW_SURROGATE.test(low)) {
      const combined = 0x10000 + ((Number.parseInt(unit, 16) - 0xd800) << 10) + (Number.parseInt(low, 16) - 0xdc00);
      return { text: codePoint(combined), end: at + 12 };
    }
  }
  return { text: codePoint(Number.parseInt(unit, 16)), end: at + 6 };
}

/** General category long names ECMAScript accepts, by the short names RE2 knows. */
const GENERAL_CATEGORIES: Record<string, string> = {
  Letter: 'L', Cased_Letter: 'LC', Uppercase_Letter: 'Lu', Lowercase_Letter: 'Ll', Titlecase_Letter: 'Lt',
  Modifier_Letter: 'Lm', Other_Letter: 'Lo',
  Mark: 'M', Nonspacing_Mark: 'Mn', Spacing_Mark: 'Mc', Enclosing_Mark: 'Me',
  Number: 'N', Decimal_Number: 'Nd', digit: 'Nd', Letter_Number: 'Nl', Other_Number: 'No',
  Punctuation: 'P', punct: 'P', Connector_Punctuation: 'Pc', Dash_Punctuation: 'Pd', Open_Punctuation: 'Ps',
  Close_Punctuation: 'Pe', Initial_Punctuation: 'Pi', Final_Punctuation: 'Pf', Other_Punctuation: 'Po',
  Symbol: 'S', Math_Symbol: 'Sm', Currency_Symbol: 'Sc', Modifier_Symbol: 'Sk', Other_Symbol: 'So',
  Separator: 'Z', Space_Separator: 'Zs', Line_Separator: 'Zl', Paragraph_Separator: 'Zp',
  Other: 'C', Control: 'Cc', cntrl: 'Cc', Format: 'Cf', Surrogate: 'Cs', Private_Use: 'Co', Unassigned: 'Cn',
};

function unicodeProperty(source: string, at: number): Rewritten | undefined {
  if (source[at + 2] !== '{') return undefined;
  const close = source.indexOf('}', at + 3);
  if (close === -1) return undefined;
  const written = source.slice(at + 3, close);
  const [key, value] = written.includes('=') ? written.split('=', 2) as [string, string] : [undefined, written];
  let name = value;
  if (key === undefined || key === 'General_Category' || key === 'gc') name = GENERAL_CATEGORIES[value] ?? value;
  else if (key !== 'Script' && key !== 'sc') name = written; // Script_Extensions and others: RE2 refuses them
  return { text: `\\${source[at + 1]}{${name}}`, end: close + 1 };
}
