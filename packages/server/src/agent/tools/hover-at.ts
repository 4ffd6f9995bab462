import { runBrowserAction } from './browser-action-tool.ts';
import { point } from './pointer-args.ts';
import { defineTool } from './tool.ts';

export const hoverAtTool = defineTool({
  name: 'hover_at',
  description: 'Move the mouse to a point of the screenshot (CSS pixels from its top-left corner), e.g. to show a tooltip on a chart.',
  args: point,
  execute: (context, args) => runBrowserAction(context, { kind: 'hover_at', x: args.x, y: args.y }),
});
