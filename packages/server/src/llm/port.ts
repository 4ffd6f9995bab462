/**
 * A model that decides the agent's next actions. Two families implement it: language models
 * over the Vercel AI SDK, which read `prompt` and answer with tool calls, and `script:` policies,
 * which read `context` and answer directly. Both return the same `Decision`.
 *
 * `decide` honours `signal` (cancel, pause-timeout, delete) and rejects with `ModelError` for
 * provider failures after its own retries; it never hangs past `timeoutMs`.
 */
export interface LanguageModel {
  /** The spec string it was built from, e.g. `openai:gpt-4o-mini` or `script:/path/policy.mjs`. */
  readonly spec: string;
  readonly supportsVision: boolean;
  decide(request: DecideRequest): Promise<Decision>;
}

export interface DecideRequest {
  /** Built by the agent: system text and the conversation so far, for language models. */
  prompt: { system: string; messages: PromptMessage[] };
  /** The same state, structured, for `script:` policies (documented in docs/script-policies.md). */
  context: DecideContext;
  tools: ToolSpec[];
  signal: AbortSignal;
  timeoutMs?: number;
}

export type PromptMessage =
  /** `imageJpeg` holds a PNG when `imageMediaType` says so (a desktop client's own screenshot). */
  | { role: 'user'; content: string; imageJpeg?: Buffer; imageMediaType?: 'image/png' | 'image/jpeg' }
  | { role: 'assistant'; content: string };

export interface DecideContext {
  task: string;
  /** Messages the user sent while the task runs (updates to the task), oldest first. */
  updates: string[];
  observation: unknown;
  step: number;
  history: HistoryEntry[];
  /**
   * On an agent step: a JPEG of the page as it is now, with the observation's indices drawn on
   * their elements (the image vision models get), taken when called. For script policies that
   * aim at what only the eyes see; language models get the image in the prompt instead.
   */
  screenshot?: () => Promise<Buffer>;
  /**
   * Set when the call is no agent step but the `extract` tool asking for data from the page (then
   * `observation` is null and `history` empty). The answer is one call of the single tool offered,
   * whose arguments are the data: `{ tool: 'extract_result', args: <data matching schema> }`.
   */
  extraction?: ExtractionRequest;
  /**
   * Set when the call is no agent step but intent screening asking whether `task` is harmful
   * (then `observation` is null and `history` empty). The answer is one call of the single tool
   * offered: `{ tool: 'screening_verdict', args: { harmful, category, reason } }`.
   */
  screening?: ScreeningRequest;
}

export interface ScreeningRequest {
  /** The text to screen: a task, a follow-up message or a session goal. */
  text: string;
  /** The categories `category` may take (`none` when not harmful). */
  categories: readonly string[];
  /** What the rules recognised that made them unsure. */
  flagged: string;
}

export interface ExtractionRequest {
  /** What to extract, in the agent's words. */
  instruction: string;
  /** JSON Schema (an object schema) the answer must match; also the offered tool's parameters. */
  schema: Record<string, unknown>;
  url: string;
  /** The page's visible text as the language model gets it (bounded, without the fence). */
  text: string;
  /** 1, or 2 when the first answer did not match; `problems` then says why. */
  attempt: number;
  problems?: string | undefined;
}

export interface HistoryEntry {
  step: number;
  thought?: string;
  action: ToolCall;
  result: { ok: boolean; message: string };
}

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the tool's arguments object. */
  parameters: Record<string, unknown>;
}

export interface ToolCall {
  tool: string;
  args: Record<string, unknown>;
}

export interface Decision {
  thought?: string;
  actions: ToolCall[];
  usage?: { inputTokens: number; outputTokens: number };
}

export class ModelError extends Error {
  /** True when retrying later could succeed (rate limit, timeout, 5xx). */
  readonly retryable: boolean;
  constructor(message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelError';
    this.retryable = options.retryable ?? false;
  }
}

/** Maps `agi-0` / `agi-0-fast` to configured models. */
export interface ModelRegistry {
  /** The model for an agent name, or undefined when none is configured. */
  forAgent(agentName: string): LanguageModel | undefined;
}
