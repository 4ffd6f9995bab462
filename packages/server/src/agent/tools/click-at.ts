import { z } from 'zod';
import { MAX_CLICKS } from '../../browser/port.ts';
import { runBrowserAction } from './browser-action-tool.ts';
import { coordinate } from './pointer-args.ts';
import { defineTool } from './tool.ts';

export const clickAtTool = defineTool({
  name: 'click_at',
  description:
    'Click at a point of the screenshot (CSS pixels from its top-left corner): for what has no index, such as SVG shapes, a canvas or a map. Elements with an index are better clicked with click.',
  args: z.object({
    x: coordinate('x'),
    y: coordinate('y'),
    button: z.enum(['left', 'right', 'middle']).optional().describe('Default left; right opens a context menu'),
    clicks: z.number().int().min(1).max(MAX_CLICKS).optional().describe('2 for a double click'),
  }),
  execute: (context, args) => runBrowserAction(context, { kind: 'click_at', x: args.x, y: args.y, button: args.button, clicks: args.clicks }),
});
