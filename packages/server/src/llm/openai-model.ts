import { createOpenAI } from '@ai-sdk/openai';
import type { LanguageModel as AiLanguageModel } from 'ai';
import { requireApiKey, type FetchLike, type ModelEnv } from './provider-env.ts';

export function createOpenAiModel(spec: string, model: string, env: ModelEnv, fetch?: FetchLike): AiLanguageModel {
  const apiKey = requireApiKey(spec, env, 'OPENAI_API_KEY');
  return createOpenAI({ apiKey, ...(fetch === undefined ? {} : { fetch }) })(model);
}
