import type { BrowserAction } from '../../browser/port.ts';
import type { ToolContext, ToolResult } from './tool.ts';

/** Runs one browser action and turns its result into a tool result. */
export async function runBrowserAction(context: ToolContext, action: BrowserAction): Promise<ToolResult> {
  const result = await context.browser.act(action, { signal: context.signal });
  return {
    ok: result.ok,
    message: result.text === undefined ? result.message : `${result.message}\n${result.text}`,
    pageChanged: result.pageChanged,
  };
}
