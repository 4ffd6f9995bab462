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
import { typeTextTool } from './type-text.ts';
import { waitTool } from './wait.ts';

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
    typeTextTool,
    pressTool,
    backTool,
    forwardTool,
    reloadTool,
    openTabTool,
    switchTabTool,
    closeTabTool,
    waitForTool,
    waitTool,
    readPageTool,
    extractTool,
    answerDialogTool,
    askUserTool,
    doneTool,
  ].map((tool) => [tool.name, tool] as const),
);

/** What a desktop session's agent can do on the client's screen: points, keys, time, questions, the end. */
export const SCREEN_TOOLS: ReadonlySet<string> = new Set(['click_at', 'hover_at', 'drag', 'mouse_wheel', 'type_text', 'press', 'wait', 'ask_user', 'done']);

/**
 * The tools as the model sees them: name, description, JSON Schema of the arguments. On a
 * client's screen (desktop sessions) only `SCREEN_TOOLS`: the rest need a browser.
 */
export function toolSpecs(surface: 'page' | 'screen' = 'page'): ToolSpec[] {
  return [...AGENT_TOOLS.values()].filter((tool) => surface === 'page' || SCREEN_TOOLS.has(tool.name)).map((tool) => ({
    name: tool.name,
    description: tool.description,
    parameters: z.toJSONSchema(tool.args) as Record<string, unknown>,
  }));
}
