import { imageSize } from 'image-size';
import type { ScreenImage } from '../browser/client-screen.ts';
import { AppError } from '../errors/index.ts';

/** Sides of a screen a model can aim at: 1 px to 16K. */
const MAX_SIDE = 16_384;

const DATA_URL = /^data:image\/(?:png|jpeg|jpg);base64,/i;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The screenshot of a desktop step, checked: base64 (or a `data:image/…;base64,` URL) of a PNG or
 * JPEG whose size can be read. Anything else is the client's mistake, a 422 that names it.
 */
export function decodeScreenshot(text: string): ScreenImage {
  const bad = (why: string): AppError => new AppError('validation_error', { detail: `screenshot: ${why}` });
  const base64 = text.replace(DATA_URL, '').replace(/\s+/g, '');
  if (base64.length === 0 || base64.length % 4 === 1 || !BASE64.test(base64)) throw bad('must be base64 of a PNG or JPEG image (optionally a data:image/png;base64, URL).');
  const data = Buffer.from(base64, 'base64');
  let size: { width?: number | undefined; height?: number | undefined; type?: string | undefined };
  try {
    size = imageSize(data);
  } catch {
    throw bad('is not an image this server can read: send a PNG or JPEG.');
  }
  const mediaType = size.type === 'png' ? 'image/png' : size.type === 'jpg' ? 'image/jpeg' : undefined;
  if (mediaType === undefined) throw bad(`is a ${size.type ?? 'unknown'} image; send a PNG or JPEG.`);
  const { width, height } = size;
  if (width === undefined || height === undefined || width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
    throw bad(`must be between 1 and ${MAX_SIDE} pixels on each side.`);
  }
  return { data, mediaType, width, height };
}
