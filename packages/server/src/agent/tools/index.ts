import { z } from 'zod';
import type { ToolSpec } from '../../llm/port.ts';
import { answerDialogTool } from './answer-dialog.ts';
import { askUserTool } from './ask-user.ts';
import { backTool } from './back.ts';
import { checkTool } from './check.ts';
import { clickTool } from './click.ts';
import { clickAtTool } from './click-at.ts';
import { closeTabTool } from './close-tab.ts';
import { doneTool } from './done.ts';
import { dragTool } from './drag.ts';
import { extractTool } from './extract.ts';
import { fillPaymentTool } from './fill-payment.ts';
import { forwardTool } from './forward.ts';
import { hoverTool } from './hover.ts';
import { hoverAtTool } from './hover-at.ts';
import { mouseWheelTool } from './mouse-wheel.ts';
import { navigateTool } from './navigate.ts';
import { openTabTool } from './open-tab.ts';
import { pressTool } from './press.ts';
import { readPageTool } from './read-page.ts';
import { reloadTool } from './reload.ts';
import { scrollTool } from './scroll.ts';
import { selectTool } from './select.ts';
import { selectTextTool } from './select-text.ts';
import { switchTabTool } from './switch-tab.ts';
import type { AgentTool } from './tool.ts';
import { typeTool } from './type.ts';
import { uploadFileTool } from './upload-file.ts';
import { waitForTool } from './wait-for.ts';

export type { AgentTool, ToolContext, ToolResult } from './tool.ts';

/** Every tool the agent (and a `script:` policy) may call, by name. */
export const AGENT_TOOLS: ReadonlyMap<string, AgentTool<unknown>> = new Map(
  [
    navigateTool,
    clickTool,
    typeTool,
    selectTool,
    checkTool,
    uploadFileTool,
    fillPaymentTool,
    hoverTool,
    selectTextTool,
    scrollTool,
    clickAtTool,
    hoverAtTool,
    dragTool,
    mouseWheelTool,
    pressTool,
    backTool,
    forwardTool,
    reloadTool,
    openTabTool,
    switchTabTool,
    closeTabTool,
    waitForTool,
    readPageTool,
    extractTool,
    answerDialogTool,
    askUserTool,
    doneTool,
  ].map((tool) => [tool.name, tool] as const),
);

/** The tools as the model sees them: name, description, JSON Schema of the arguments. */
export function toolSpecs(): ToolSpec[] {
  return [...AGENT_TOOLS.values()].map((tool) => ({
    name: tool.name,
    description: tool.description,
    parameters: z.toJSONSchema(tool.args) as Record<string, unknown>,
  }));
}
