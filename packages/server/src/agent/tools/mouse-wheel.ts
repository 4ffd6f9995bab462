import { z } from 'zod';
import { MAX_WHEEL_DELTA } from '../../browser/port.ts';
import { runBrowserAction } from './browser-action-tool.ts';
import { coordinate } from './pointer-args.ts';
import { defineTool } from './tool.ts';

const delta = z.number().min(-MAX_WHEEL_DELTA).max(MAX_WHEEL_DELTA);

export const mouseWheelTool = defineTool({
  name: 'mouse_wheel',
  description:
    'Turn the mouse wheel over a point (default the centre of the screenshot): delta_y > 0 scrolls down, < 0 up, in pixels. For maps, canvases and panels that react to the wheel; to scroll the page, scroll is simpler.',
  args: z.object({
    x: coordinate('x').optional(),
    y: coordinate('y').optional(),
    delta_x: delta.optional(),
    delta_y: delta,
  }),
  execute: (context, args) => runBrowserAction(context, { kind: 'mouse_wheel', x: args.x, y: args.y, deltaX: args.delta_x, deltaY: args.delta_y }),
});
