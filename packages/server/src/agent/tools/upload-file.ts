import { z } from 'zod';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

export const uploadFileTool = defineTool({
  name: 'upload_file',
  description:
    "Put session files (by name, as listed under 'Session files') into the file input with this index, or into the file chooser that clicking this element (an upload button) opens. Several files only where the input takes several.",
  args: z.object({
    index: z.number().int().min(0),
    files: z.array(z.string().min(1).max(255)).min(1).max(20),
  }),
  execute: (context, args) => runBrowserAction(context, { kind: 'upload', index: args.index, files: args.files }),
});
