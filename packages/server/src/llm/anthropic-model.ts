import { createAnthropic } from '@ai-sdk/anthropic';
import type { LanguageModel as AiLanguageModel } from 'ai';
import { requireApiKey, type FetchLike, type ModelEnv } from './provider-env.ts';

export function createAnthropicModel(spec: string, model: string, env: ModelEnv, fetch?: FetchLike): AiLanguageModel {
  const apiKey = requireApiKey(spec, env, 'ANTHROPIC_API_KEY');
  return createAnthropic({ apiKey, ...(fetch === undefined ? {} : { fetch }) })(model);
}
