import { generateText, ToolChoiceViolationError, type LanguageModel as AiLanguageModel } from 'ai';
import { callWithRetries, type RetryPolicy } from './call-with-retries.ts';
import { classifyAiSdkError } from './classify-ai-sdk-error.ts';
import { decisionFromContent } from './decision-from-content.ts';
import type { DecideRequest, Decision, LanguageModel } from './port.ts';
import { toModelMessages } from './to-model-messages.ts';
import { toToolSet } from './tool-set.ts';

export type ToolChoiceMode = 'auto' | 'required';

export interface AiSdkLanguageModelOptions {
  spec: string;
  model: AiLanguageModel;
  supportsVision: boolean;
  /** Deadline of a decide call when the request names none. */
  timeoutMs: number;
  attemptTimeoutMs?: number | undefined;
  retry: RetryPolicy;
  toolChoice: ToolChoiceMode;
  maxOutputTokens?: number | undefined;
  temperature?: number | undefined;
}

/**
 * A LanguageModel over one AI SDK model: a single generation step with the agent's tools offered
 * and none executed. The AI SDK's own retries are off; `callWithRetries` owns them, so the
 * deadline, the backoff and the final error message are the same for every provider.
 */
export class AiSdkLanguageModel implements LanguageModel {
  readonly spec: string;
  readonly supportsVision: boolean;
  readonly #options: AiSdkLanguageModelOptions;

  constructor(options: AiSdkLanguageModelOptions) {
    this.spec = options.spec;
    this.supportsVision = options.supportsVision;
    this.#options = options;
  }

  decide(request: DecideRequest): Promise<Decision> {
    const options = this.#options;
    const tools = toToolSet(request.tools);
    const messages = toModelMessages(request.prompt.messages, this.supportsVision);
    const hasTools = request.tools.length > 0;
    return callWithRetries(
      async (signal) => {
        try {
          const result = await generateText({
            model: options.model,
            system: request.prompt.system,
            messages,
            ...(hasTools ? { tools, toolChoice: options.toolChoice } : {}),
            maxRetries: 0,
            abortSignal: signal,
            ...(options.maxOutputTokens === undefined ? {} : { maxOutputTokens: options.maxOutputTokens }),
            ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
          });
          return decisionFromContent(result.content, result.totalUsage);
        } catch (error) {
          // With toolChoice 'required' a text-only answer is still an answer; the agent decides.
          if (ToolChoiceViolationError.isInstance(error)) return textOnlyDecision(error.content);
          throw error;
        }
      },
      {
        signal: request.signal,
        timeoutMs: request.timeoutMs ?? options.timeoutMs,
        attemptTimeoutMs: options.attemptTimeoutMs,
        policy: options.retry,
        classify: classifyAiSdkError,
        label: `Model provider error (${this.spec})`,
      },
    );
  }
}

function textOnlyDecision(content: ToolChoiceViolationError['content']): Decision {
  const thought = content
    .flatMap((part) => (part.type === 'text' && part.text.trim() !== '' ? [part.text.trim()] : []))
    .join('\n');
  return thought === '' ? { actions: [] } : { thought, actions: [] };
}
