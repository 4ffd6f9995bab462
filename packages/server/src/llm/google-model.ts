import { createGoogleGenerativeAI } from '@ai-sdk/google';
import type { LanguageModel as AiLanguageModel } from 'ai';
import { requireApiKey, type FetchLike, type ModelEnv } from './provider-env.ts';

export function createGoogleModel(spec: string, model: string, env: ModelEnv, fetch?: FetchLike): AiLanguageModel {
  const apiKey = requireApiKey(spec, env, 'GOOGLE_GENERATIVE_AI_API_KEY');
  return createGoogleGenerativeAI({ apiKey, ...(fetch === undefined ? {} : { fetch }) })(model);
}
