import { z } from 'zod';

/** A coordinate in CSS pixels of the viewport, the screenshot's pixels (the browser rounds it to a whole pixel). */
export const coordinate = (axis: 'x' | 'y') =>
  z
    .number()
    .min(0)
    .max(100_000)
    .describe(axis === 'x' ? 'Pixels from the left edge of the screenshot (the viewport)' : 'Pixels from the top edge of the screenshot (the viewport)');

export const point = z.object({ x: coordinate('x'), y: coordinate('y') });
