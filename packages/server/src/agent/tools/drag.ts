import { z } from 'zod';
import type { DragEnd } from '../../browser/port.ts';
import { runBrowserAction } from './browser-action-tool.ts';
import { point } from './pointer-args.ts';
import { defineTool } from './tool.ts';

const end = z.union([z.number().int().min(0).describe('Element index: its centre'), point]);

const toDragEnd = (value: z.infer<typeof end>): DragEnd => (typeof value === 'number' ? { index: value } : value);

export const dragTool = defineTool({
  name: 'drag',
  description:
    'Press the mouse on from, move it to to and release it there: drag and drop, sorting a list, moving a slider or a map. Each end is an element index or a point {x, y} of the screenshot.',
  args: z.object({ from: end, to: end }),
  execute: (context, args) => runBrowserAction(context, { kind: 'drag', from: toDragEnd(args.from), to: toDragEnd(args.to) }),
});
