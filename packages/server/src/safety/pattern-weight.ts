/**
 * Weights of what a pattern compiles to. RE2 matches in time linear in the text, but the factor is
 * the size of the compiled program: when its DFA runs out of states (counted repetitions of
 * ambiguous or multi-byte classes) it falls back to stepping every live NFA thread per byte.
 * Measured on 50,000 characters (docs/decisions/0006-linear-time-patterns.md): `(?:a|ab){1000}c`
 * 730 ms, `\p{L}{20}1` 144 ms, `(?:[^x]{10}x?){100}c` 2.9 s. A Unicode property is hundreds of
 * byte ranges, an any-character class a UTF-8 decoder, an ASCII class one instruction or two.
 */
const LITERAL = 1;
const WIDE_LITERAL = 2;
const ASCII_CLASS = 2;
const ANY_CLASS = 4;
const UNICODE_PROPERTY = 64;
/** Anchors, boundaries, flag groups and group brackets: one instruction, and a floor that keeps a long pattern of them heavy. */
const MARK = 1;

/**
 * An upper estimate of the program size of `source` (RE2 syntax as `re2-syntax.ts` rewrites ECMAScript
 * patterns): each atom weighs its class above, repetition multiplies by its largest count (RE2
 * unrolls `x{n,m}` into m copies), alternatives add. Only called on patterns RE2 accepted; what
 * it does not recognise weighs as a literal, and every bracket and escape is consumed, so it
 * never loops.
 */
export function patternWeight(source: string): number {
  const stack: Frame[] = [];
  let frame: Frame = { done: 0, branch: 0, last: 0 };
  const atom = (weight: number): void => {
    frame.branch += weight;
    frame.last = weight;
  };
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\\') {
      const escape = readEscape(source, i);
      atom(escape.weight);
      i = escape.end;
    } else if (ch === '[') {
      const set = readClass(source, i);
      atom(set.weight);
      i = set.end;
    } else if (ch === '(') {
      const header = /^\(\?(?:[imsU-]*\)|[imsU-]*:|P?<[^>]*>|[=!]|<[=!])?/.exec(source.slice(i, i + 64))?.[0] ?? '(';
      i += header.length;
      if (header.endsWith(')')) {
        atom(MARK); // a flag group: nothing to match
      } else {
        stack.push(frame);
        frame = { done: 0, branch: 0, last: 0 };
      }
    } else if (ch === ')') {
      const group = frame.done + frame.branch + MARK;
      frame = stack.pop() ?? { done: 0, branch: 0, last: 0 };
      atom(group);
      i++;
    } else if (ch === '|') {
      frame.done += frame.branch + MARK;
      frame.branch = 0;
      frame.last = 0;
      i++;
    } else if (ch === '{') {
      const counted = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i, i + 24));
      if (counted === null) {
        atom(LITERAL);
        i++;
      } else {
        const least = Number(counted[1]);
        const most = Math.max(counted[2] === undefined ? least : counted[3] === '' ? least + 1 : Number(counted[3]), 1);
        // RE2 unrolls x{n,m} into m copies, each optional one behind a branch instruction.
        const unrolled = (frame.last + 1) * most;
        frame.branch += unrolled - frame.last;
        frame.last = unrolled;
        i += counted[0].length;
      }
    } else if (ch === '*' || ch === '+' || ch === '?') {
      // A loop or an option: its operand once (counted) and a branch instruction.
      frame.branch += 1;
      frame.last += 1;
      i++;
    } else if (ch === '^' || ch === '$') {
      atom(MARK);
      i++;
    } else if (ch === '.') {
      atom(ANY_CLASS);
      i++;
    } else {
      const point = source.codePointAt(i)!;
      atom(point > 0x7f ? WIDE_LITERAL : LITERAL);
      i += point > 0xffff ? 2 : 1;
    }
  }
  while (stack.length > 0) {
    const group = frame.done + frame.branch;
    frame = stack.pop()!;
    atom(group);
  }
  return frame.done + frame.branch;
}

interface Frame {
  /** Weight of the finished alternatives. */
  done: number;
  /** Weight of the alternative being read. */
  branch: number;
  /** Weight of the last atom or group, the operand of a following repetition. */
  last: number;
}

interface Read {
  weight: number;
  end: number;
}

function readEscape(source: string, start: number): Read {
  const next = source[start + 1];
  if (next === undefined) return { weight: LITERAL, end: start + 1 };
  if (next === 'p' || next === 'P') {
    const braced = source[start + 2] === '{' ? source.indexOf('}', start + 3) : -1;
    return { weight: UNICODE_PROPERTY, end: braced === -1 ? start + 3 : braced + 1 };
  }
  if (next === 'd' || next === 'w' || next === 's') return { weight: ASCII_CLASS, end: start + 2 };
  if (next === 'D' || next === 'W' || next === 'S') return { weight: ANY_CLASS, end: start + 2 };
  if (next === 'b' || next === 'B' || next === 'A' || next === 'z') return { weight: MARK, end: start + 2 };
  if (next === 'Q') {
    const close = source.indexOf('\\E', start + 2);
    const end = close === -1 ? source.length : close + 2;
    return { weight: WIDE_LITERAL * (end - start), end };
  }
  const code = /^\\(?:x\{[0-9a-fA-F]*\}|x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]*\}|u[0-9a-fA-F]{4}|c[A-Za-z]|[0-7]{1,3})/.exec(source.slice(start, start + 16));
  if (code !== null) return { weight: WIDE_LITERAL, end: start + code[0].length };
  return { weight: LITERAL, end: start + 2 };
}

/** `[...]`: an ASCII set is cheap; negation, non-ASCII members or properties are not. */
function readClass(source: string, start: number): Read {
  let i = start + 1;
  let negated = false;
  if (source[i] === '^') {
    negated = true;
    i++;
  }
  let wide = negated;
  let properties = 0;
  let first = true;
  while (i < source.length && (source[i] !== ']' || first)) {
    first = false;
    const ch = source[i]!;
    if (ch === '\\') {
      const escape = readEscape(source, i);
      if (escape.weight === UNICODE_PROPERTY) properties++;
      if (escape.weight >= ANY_CLASS || escape.weight === WIDE_LITERAL) wide = true;
      i = escape.end;
    } else if (ch === '[' && source[i + 1] === ':') {
      const close = source.indexOf(':]', i + 2);
      i = close === -1 ? i + 1 : close + 2;
    } else {
      if (ch.charCodeAt(0) > 0x7f) wide = true;
      i++;
    }
  }
  const weight = Math.max(properties * UNICODE_PROPERTY, wide ? ANY_CLASS : ASCII_CLASS);
  return { weight, end: Math.min(i + 1, source.length) };
}
