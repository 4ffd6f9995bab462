/**
 * A parsed model spec string (`STEWARD_MODEL`, `STEWARD_FAST_MODEL`). Parsing is pure: script paths
 * are returned as written and resolved against a working directory when the model is built.
 */
export type ModelSpec =
  | { provider: 'openai'; model: string }
  | { provider: 'anthropic'; model: string }
  | { provider: 'google'; model: string }
  | { provider: 'openai-compatible'; model: string; baseUrl: string }
  | { provider: 'script'; path: string };

export type ModelProvider = ModelSpec['provider'];

export const MODEL_PROVIDERS: readonly ModelProvider[] = ['openai', 'anthropic', 'google', 'openai-compatible', 'script'];

const FORMS =
  'openai:<model>, anthropic:<model>, google:<model>, openai-compatible:<model>@<http(s) base url>, script:<path to an ES module>';

/** A model spec or model configuration that cannot work; the message is written for an operator. */
export class ModelSpecError extends Error {
  readonly spec: string;
  constructor(spec: string, problem: string, options: { cause?: unknown } = {}) {
    super(`Invalid model spec ${JSON.stringify(spec)}: ${problem}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelSpecError';
    this.spec = spec;
  }
}

export function parseModelSpec(spec: string): ModelSpec {
  const text = spec.trim();
  if (text === '') throw new ModelSpecError(spec, `it is empty; expected one of ${FORMS}`);
  const colon = text.indexOf(':');
  if (colon < 0) throw new ModelSpecError(spec, `missing "<provider>:" prefix; expected one of ${FORMS}`);
  const provider = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  switch (provider) {
    case 'openai':
    case 'anthropic':
    case 'google':
      return { provider, model: modelName(spec, provider, rest) };
    case 'openai-compatible':
      return parseOpenAiCompatible(spec, rest);
    case 'script':
      if (rest.trim() === '') throw new ModelSpecError(spec, 'missing module path after "script:"');
      return { provider: 'script', path: rest.trim() };
    default:
      throw new ModelSpecError(spec, `unknown provider ${JSON.stringify(provider)}; expected one of ${MODEL_PROVIDERS.join(', ')}`);
  }
}

/** The canonical spec string of a parsed spec (round-trips through `parseModelSpec`). */
export function formatModelSpec(spec: ModelSpec): string {
  switch (spec.provider) {
    case 'openai-compatible':
      return `openai-compatible:${spec.model}@${spec.baseUrl}`;
    case 'script':
      return `script:${spec.path}`;
    default:
      return `${spec.provider}:${spec.model}`;
  }
}

function modelName(spec: string, provider: string, name: string): string {
  if (name === '') throw new ModelSpecError(spec, `missing model name after "${provider}:"`);
  if (/\s/.test(name)) throw new ModelSpecError(spec, `model name ${JSON.stringify(name)} contains whitespace`);
  return name;
}

// The model may itself contain ':' or '@' (e.g. `llama3.1:8b`), the URL never contains '@' once
// credentials are ruled out, so the last '@' separates them.
function parseOpenAiCompatible(spec: string, rest: string): ModelSpec {
  const at = rest.lastIndexOf('@');
  if (at < 0) {
    throw new ModelSpecError(spec, 'openai-compatible needs a base URL: openai-compatible:<model>@<http(s) base url>, e.g. openai-compatible:llama3.1:8b@http://127.0.0.1:11434/v1');
  }
  const model = modelName(spec, 'openai-compatible', rest.slice(0, at));
  const rawUrl = rest.slice(at + 1);
  if (rawUrl === '') throw new ModelSpecError(spec, 'missing base URL after "@"');
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(rawUrl)) {
    throw new ModelSpecError(spec, `base URL ${JSON.stringify(rawUrl)} must start with http:// or https://`);
  }
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch (error) {
    throw new ModelSpecError(spec, `base URL ${JSON.stringify(rawUrl)} is not a valid URL`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ModelSpecError(spec, `base URL must use http or https, not ${url.protocol.slice(0, -1)}`);
  }
  if (url.search !== '' || url.hash !== '') throw new ModelSpecError(spec, 'base URL must not have a query string or fragment');
  return { provider: 'openai-compatible', model, baseUrl: rawUrl.replace(/\/+$/, '') };
}
