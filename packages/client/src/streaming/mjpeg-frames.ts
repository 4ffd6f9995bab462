/**
 * The JPEG frames of a `multipart/x-mixed-replace` body (the live view's stream): each part is
 * headers, a blank line and `Content-Length` bytes. Read with fetch, because native multipart
 * images do not render in every browser (headless Chromium among them) and carry no headers.
 */
export async function* mjpegFrames(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let buffer: Uint8Array = new Uint8Array(0);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer = concat(buffer, value);
      for (;;) {
        const headerEnd = indexOf(buffer, HEADER_END);
        if (headerEnd < 0) break;
        const length = CONTENT_LENGTH.exec(DECODER.decode(buffer.subarray(0, headerEnd)));
        // A boundary line or a part without a length is skipped up to its blank line.
        if (!length) {
          buffer = buffer.subarray(headerEnd + HEADER_END.length);
          continue;
        }
        const start = headerEnd + HEADER_END.length;
        const end = start + Number(length[1]);
        if (buffer.length < end) break;
        yield buffer.slice(start, end);
        buffer = buffer.subarray(end);
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

const HEADER_END = new TextEncoder().encode('\r\n\r\n');
const CONTENT_LENGTH = /content-length:\s*(\d+)/i;
const DECODER = new TextDecoder();

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const merged = new Uint8Array(a.length + b.length);
  merged.set(a);
  merged.set(b, a.length);
  return merged;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  for (let i = haystack.indexOf(first as number); i >= 0 && i <= haystack.length - needle.length; i = haystack.indexOf(first as number, i + 1)) {
    let match = true;
    for (let j = 1; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) {
        match = false;
        break;
      }
    }
    if (match) return i;
  }
  return -1;
}
