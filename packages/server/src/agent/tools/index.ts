import { z } from 'zod';
import type { ToolSpec } from '../../llm/port.ts';
import { askUserTool } from './ask-user.ts';
import { backTool } from './back.ts';
import { clickTool } from './click.ts';
import { doneTool } from './done.ts';
import { navigateTool } from './navigate.ts';
import { pressTool } from './press.ts';
import { readPageTool } from './read-page.ts';
import { scrollTool } from './scroll.ts';
import { selectTool } from './select.ts';
import type { AgentTool } from './tool.ts';
import { typeTool } from './type.ts';

export type { AgentTool, ToolContext, ToolResult } from './tool.ts';

/** Every tool the agent (and a `script:` policy) may call, by name. */
export const AGENT_TOOLS: ReadonlyMap<string, AgentTool<unknown>> = new Map(
  [navigateTool, clickTool, typeTool, selectTool, scrollTool, pressTool, backTool, readPageTool, askUserTool, doneTool].map(
    (tool) => [tool.name, tool] as const,
  ),
);

/** The tools as the model sees them: name, description, JSON Schema of the arguments. */
export function toolSpecs(): ToolSpec[] {
  return [...AGENT_TOOLS.values()].map((tool) => ({
    name: tool.name,
    description: tool.description,
    parameters: z.toJSONSchema(tool.args) as Record<string, unknown>,
  }));
}
