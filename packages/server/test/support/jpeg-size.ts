/** Markers of a JPEG frame header (SOF0–SOF15 but DHT, JPG and DAC), which carries the image's size. */
const FRAME_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** The pixel size a JPEG's frame header states, or undefined for bytes without one (not a JPEG, or a stub). */
export function jpegSize(jpeg: Uint8Array): { width: number; height: number } | undefined {
  const bytes = Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  for (let at = 2; at + 9 <= bytes.length; ) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    // Padding, and markers without a length (start/end of image, restarts).
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image, or image data before any frame header
    const length = bytes.readUInt16BE(at + 2);
    if (FRAME_MARKERS.has(marker)) return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    at += 2 + length;
  }
  return undefined;
}

/** The three bytes every JPEG starts with. */
export const JPEG_MAGIC = [0xff, 0xd8, 0xff] as const;
