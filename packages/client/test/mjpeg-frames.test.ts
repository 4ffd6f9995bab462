import { describe, expect, it } from 'vitest';
import { mjpegFrames } from '../src/streaming/mjpeg-frames.ts';

const encoder = new TextEncoder();

function part(bytes: number[]): Uint8Array {
  const head = encoder.encode(`Content-Type: image/jpeg\r\nContent-Length: ${bytes.length}\r\n\r\n`);
  const tail = encoder.encode('\r\n--frame\r\n');
  return Uint8Array.from([...head, ...bytes, ...tail]);
}

/** A body delivered in the given chunk sizes, as a network would cut it. */
function body(bytes: Uint8Array, sizes: number[]): ReadableStream<Uint8Array> {
  let offset = 0;
  let turn = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      const size = sizes[turn++ % sizes.length]!;
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<number[][]> {
  const frames: number[][] = [];
  for await (const frame of mjpegFrames(stream)) frames.push([...frame]);
  return frames;
}

describe('mjpegFrames', () => {
  const first = [0xff, 0xd8, 0xff, 0x0d, 0x0a, 0x0d, 0x0a, 0xd9];
  const second = [0xff, 0xd8, 0xff, 1, 2, 3];
  const stream = Uint8Array.from([...encoder.encode('--frame\r\n'), ...part(first), ...part(second)]);

  it('yields each JPEG whole, whatever the chunks (a blank line inside a frame included)', async () => {
    for (const sizes of [[stream.length], [1], [3, 7], [17, 2, 40]]) {
      expect(await collect(body(stream, sizes))).toEqual([first, second]);
    }
  });

  it('drops a frame cut short by the end of the stream', async () => {
    expect(await collect(body(stream.slice(0, stream.length - 15), [5]))).toEqual([first]);
  });
});
