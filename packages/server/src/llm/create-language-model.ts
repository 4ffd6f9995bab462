import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { AiSdkLanguageModel, type ToolChoiceMode } from './ai-sdk-language-model.ts';
import { createAnthropicModel } from './anthropic-model.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './call-with-retries.ts';
import { createGoogleModel } from './google-model.ts';
import { ModelSpecError, parseModelSpec, type ModelSpec } from './model-spec.ts';
import { createOpenAiCompatibleModel } from './openai-compatible-model.ts';
import { createOpenAiModel } from './openai-model.ts';
import type { LanguageModel } from './port.ts';
import type { FetchLike, ModelEnv } from './provider-env.ts';
import { ScriptLanguageModel } from './script-language-model.ts';
import { supportsVisionByDefault } from './vision-support.ts';

export const DEFAULT_MODEL_TIMEOUT_MS = 60_000;

export interface LanguageModelOptions {
  /**
   * Where provider keys come from (OPENAI_API_KEY, ANTHROPIC_API_KEY, GOOGLE_GENERATIVE_AI_API_KEY,
   * optional STEWARD_OPENAI_COMPATIBLE_API_KEY and STEWARD_OPENAI_COMPATIBLE_VISION); main.ts
   * passes process.env, tests pass a literal.
   */
  env: ModelEnv;
  /** Directory that relative `script:` paths resolve against; defaults to the working directory. */
  cwd?: string | undefined;
  /** Deadline of one decide call, retries included, when the request has no `timeoutMs` (60 s). */
  timeoutMs?: number | undefined;
  /** Cap on one provider attempt, so a hung request leaves time to retry; default none. */
  attemptTimeoutMs?: number | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  /** `auto` (default) lets the model answer in text; `required` forces a tool call where supported. */
  toolChoice?: ToolChoiceMode | undefined;
  /** Overrides the per-family guess of whether the model takes screenshots. */
  supportsVision?: boolean | undefined;
  maxOutputTokens?: number | undefined;
  temperature?: number | undefined;
  /** Replaces global fetch for provider calls (proxies, tests). */
  fetch?: FetchLike | undefined;
}

/**
 * Builds the model a spec string names. Throws ModelSpecError at once for a malformed spec, a
 * missing API key or a script path that is not a file, so a bad configuration fails at start-up;
 * a script module itself is imported on its first decide.
 */
export function createLanguageModel(spec: string, options: LanguageModelOptions): LanguageModel {
  const parsed = parseModelSpec(spec);
  const text = spec.trim();
  const timeoutMs = options.timeoutMs ?? DEFAULT_MODEL_TIMEOUT_MS;
  if (parsed.provider === 'script') {
    return new ScriptLanguageModel({ spec: text, path: scriptPath(text, parsed.path, options.cwd), timeoutMs });
  }
  return new AiSdkLanguageModel({
    spec: text,
    model: providerModel(text, parsed, options),
    supportsVision: options.supportsVision ?? supportsVisionByDefault(parsed, options.env),
    timeoutMs,
    attemptTimeoutMs: options.attemptTimeoutMs,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    toolChoice: options.toolChoice ?? 'auto',
    maxOutputTokens: options.maxOutputTokens,
    temperature: options.temperature,
  });
}

function providerModel(spec: string, parsed: Exclude<ModelSpec, { provider: 'script' }>, options: LanguageModelOptions) {
  switch (parsed.provider) {
    case 'openai':
      return createOpenAiModel(spec, parsed.model, options.env, options.fetch);
    case 'anthropic':
      return createAnthropicModel(spec, parsed.model, options.env, options.fetch);
    case 'google':
      return createGoogleModel(spec, parsed.model, options.env, options.fetch);
    case 'openai-compatible':
      return createOpenAiCompatibleModel(parsed.model, parsed.baseUrl, options.env, options.fetch);
  }
}

function scriptPath(spec: string, path: string, cwd: string | undefined): string {
  const absolute = cwd === undefined ? resolve(path) : resolve(cwd, path);
  let isFile: boolean;
  try {
    isFile = statSync(absolute).isFile();
  } catch (error) {
    throw new ModelSpecError(spec, `script module ${absolute} does not exist`, { cause: error });
  }
  if (!isFile) throw new ModelSpecError(spec, `script module ${absolute} is not a file`);
  return absolute;
}
