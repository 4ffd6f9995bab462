/** A screenshot as the step wants it: base64 text (a data URL passes as it is). */
export function screenshotBase64(screenshot: string | Uint8Array): string {
  if (typeof screenshot === 'string') return screenshot;
  const buffer = (globalThis as { Buffer?: { from(data: Uint8Array): { toString(encoding: 'base64'): string } } }).Buffer;
  if (buffer !== undefined) return buffer.from(screenshot).toString('base64');
  // Browsers and edge runtimes: btoa over binary text, in chunks that spread safely into arguments.
  let binary = '';
  for (let offset = 0; offset < screenshot.length; offset += 0x8000) binary += String.fromCharCode(...screenshot.subarray(offset, offset + 0x8000));
  return btoa(binary);
}
