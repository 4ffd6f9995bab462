import type { z } from 'zod';
import type { SessionBrowser } from '../../browser/port.ts';
import type { LanguageModel } from '../../llm/port.ts';
import type { MessageContent } from '../../domain/index.ts';
import type { AgentHost } from '../agent-host.ts';
import type { PageDataFence } from '../page-data-fence.ts';
import type { TaskPayments } from '../task-payments.ts';

/** The narrow world a tool acts on. */
export interface ToolContext {
  browser: SessionBrowser;
  host: AgentHost;
  signal: AbortSignal;
  /** When the client asked for structured output: what `done`'s result must match. */
  outputSchema?: z.ZodType | undefined;
  /** The task's model, for a tool that asks it something itself (extract). */
  model: ToolModel;
  /** The task's payment token (`config_updates.payment_token`), for `fill_payment`; undefined when it has none. */
  payments?: TaskPayments | undefined;
}

/** What a tool needs to ask the task's model; page text it sends goes inside the task's fence. */
export interface ToolModel {
  model: LanguageModel;
  fence: PageDataFence;
  task: string;
  timeoutMs?: number | undefined;
}

/** What a tool did, in words the model reads next step. Tools return this; they never throw for page problems. */
export interface ToolResult {
  ok: boolean;
  message: string;
  /** The page changed: actions planned on the old page are dropped. */
  pageChanged?: boolean;
  /** Set by `done`: the task ends with this result. */
  final?: { content: MessageContent; success: boolean };
  /** Tokens the tool's own model calls used (extract); added to the task's totals. */
  usage?: { inputTokens: number; outputTokens: number } | undefined;
}

export interface AgentTool<Args = Record<string, unknown>> {
  readonly name: string;
  /** Shown to the model and documented in docs/script-policies.md. */
  readonly description: string;
  readonly args: z.ZodType<Args>;
  execute(context: ToolContext, args: Args): Promise<ToolResult>;
}

/** Erases the argument type so tools of different shapes fit in one registry. */
export function defineTool<Args>(tool: AgentTool<Args>): AgentTool<unknown> {
  return tool as unknown as AgentTool<unknown>;
}
