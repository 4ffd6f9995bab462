import { ModelSpecError } from './model-spec.ts';

export type ModelEnv = Record<string, string | undefined>;

/** `fetch` as the AI SDK providers accept it; injectable for proxies and tests. */
export type FetchLike = typeof globalThis.fetch;

/** The key a provider needs, from the env handed in; missing keys fail at start-up, not mid-task. */
export function requireApiKey(spec: string, env: ModelEnv, name: string): string {
  const value = env[name]?.trim();
  if (value === undefined || value === '') {
    throw new ModelSpecError(spec, `the environment variable ${name} is not set; it holds the API key this provider needs`);
  }
  return value;
}

export function optionalEnv(env: ModelEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}
