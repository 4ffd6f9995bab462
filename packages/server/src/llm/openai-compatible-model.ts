import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel as AiLanguageModel } from 'ai';
import { optionalEnv, type FetchLike, type ModelEnv } from './provider-env.ts';

/** Local servers (Ollama, vLLM, llama.cpp) usually need no key; STEWARD_OPENAI_COMPATIBLE_API_KEY is sent when set. */
export function createOpenAiCompatibleModel(model: string, baseUrl: string, env: ModelEnv, fetch?: FetchLike): AiLanguageModel {
  const apiKey = optionalEnv(env, 'STEWARD_OPENAI_COMPATIBLE_API_KEY');
  return createOpenAICompatible({
    name: 'openai-compatible',
    baseURL: baseUrl,
    ...(apiKey === undefined ? {} : { apiKey }),
    ...(fetch === undefined ? {} : { fetch }),
  }).chatModel(model);
}
