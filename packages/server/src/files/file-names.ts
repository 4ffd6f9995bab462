/** Longest name, in UTF-8 bytes: room below the usual 255-byte limit for the store's side files. */
export const MAX_FILE_NAME_BYTES = 200;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Invisible and direction-changing characters make a name read as something else ("txt.exe").
const INVISIBLE = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;
// Path separators, and what Windows refuses, so a file keeps its name wherever it goes next.
const RESERVED = /[/\\<>:"|?*]/;

/**
 * Why `name` cannot be a session file's name, or undefined when it can: one path segment, no
 * dotfile, no control or invisible characters, no leading/trailing spaces, at most 200 bytes.
 */
export function checkFileName(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (name.normalize('NFC') !== name) return 'the name is not in Unicode normal form C';
  if (CONTROL.test(name)) return 'the name contains control characters';
  if (INVISIBLE.test(name)) return 'the name contains invisible or direction-changing characters';
  if (RESERVED.test(name)) return 'the name contains one of / \\ < > : " | ? *';
  if (name.startsWith('.')) return 'the name starts with a dot';
  if (name.trim() !== name) return 'the name starts or ends with a space';
  if (name.endsWith('.')) return 'the name ends with a dot';
  if (Buffer.byteLength(name, 'utf8') > MAX_FILE_NAME_BYTES) return `the name is longer than ${MAX_FILE_NAME_BYTES} bytes`;
  return undefined;
}

/**
 * A valid name made from one a website suggested (a download's): bad characters become `_`,
 * leading dots and surrounding spaces go, a long name is cut keeping its extension.
 */
export function sanitizeFileName(suggested: string, fallback = 'download'): string {
  let name = suggested
    .normalize('NFC')
    .replace(new RegExp(`${CONTROL.source}|${INVISIBLE.source}|${RESERVED.source}`, 'g'), '_')
    .replace(/^[\s.]+/, '')
    .replace(/[\s.]+$/, '');
  const fitted = name === '' ? fallback : fitName(name, MAX_FILE_NAME_BYTES);
  return checkFileName(fitted) === undefined ? fitted : fallback;
}

/** `report.csv` → `report (n).csv`; cut to fit the byte limit when needed. */
export function numberedName(name: string, n: number): string {
  const { base, ext } = splitExtension(name);
  const suffix = ` (${n})${ext}`;
  return `${cutToBytes(base, MAX_FILE_NAME_BYTES - Buffer.byteLength(suffix, 'utf8')).trimEnd()}${suffix}`;
}

function fitName(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name, 'utf8') <= maxBytes) return name;
  const { base, ext } = splitExtension(name);
  const extBytes = Buffer.byteLength(ext, 'utf8');
  // A long "extension" is not one worth keeping.
  if (extBytes > 20) return cutToBytes(name, maxBytes).trimEnd();
  return `${cutToBytes(base, maxBytes - extBytes).trimEnd()}${ext}`;
}

function splitExtension(name: string): { base: string; ext: string } {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? { base: name, ext: '' } : { base: name.slice(0, dot), ext: name.slice(dot) };
}

/** The longest prefix of `text` within `maxBytes` UTF-8 bytes, never splitting a character. */
function cutToBytes(text: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const char of text) {
    bytes += Buffer.byteLength(char, 'utf8');
    if (bytes > maxBytes) break;
    out += char;
  }
  return out;
}
