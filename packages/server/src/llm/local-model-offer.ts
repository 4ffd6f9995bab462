import { formatModelSpec } from './model-spec.ts';
import { localModelProbeTargets, probeLocalModelServers, type LocalModelProbeOptions, type LocalModelServer } from './local-model-probe.ts';
import type { ModelEnv } from './provider-env.ts';

/** What `npm start` says about one local server it found; the user decides whether to take it. */
export interface LocalModelOffer extends LocalModelServer {
  /** The spec of the suggested model; undefined when the server lists none. */
  spec: string | undefined;
  /** The shell command that starts Steward on it (`STEWARD_MODEL=… npm start`). */
  command: string | undefined;
  /** Lines for the terminal, each ending in a newline. */
  text: string;
}

export interface LocalModelOffers {
  offers: LocalModelOffer[];
  /** Entries of STEWARD_LOCAL_MODEL_PROBE_URLS that were not probed because they are not loopback. */
  ignored: string[];
}

// Enough to recognise the server; the rest are counted.
const LISTED_MODELS = 8;

/**
 * Probes the local addresses (see `localModelProbeTargets`) and words an offer for each server
 * that answered. Never rejects. `ownUrl` is where Steward listens, so it does not probe itself;
 * `options.timeoutMs` is the probe's deadline (`STEWARD_LOCAL_MODEL_PROBE_TIMEOUT_MS`).
 */
export async function findLocalModelOffers(env: ModelEnv, ownUrl: string, options: LocalModelProbeOptions = {}): Promise<LocalModelOffers> {
  const { urls, ignored } = localModelProbeTargets(env, ownUrl);
  const servers = urls.length === 0 ? [] : await probeLocalModelServers(urls, options);
  return { offers: servers.map(localModelOffer), ignored };
}

export function localModelOffer(server: LocalModelServer): LocalModelOffer {
  const model = suggestedModel(server.models);
  if (model === undefined) {
    return {
      ...server,
      spec: undefined,
      command: undefined,
      text: `Found an OpenAI-compatible server at ${server.baseUrl}, but it lists no models; load or pull one, then restart Steward.\n`,
    };
  }
  const spec = formatModelSpec({ provider: 'openai-compatible', model, baseUrl: server.baseUrl });
  const command = `STEWARD_MODEL=${shellWord(spec)} npm start`;
  return {
    ...server,
    spec,
    command,
    text: `Found an OpenAI-compatible server at ${server.baseUrl} with models: ${listed(server.models)}. To use it, start Steward with:\n  ${command}\n`,
  };
}

// Model lists often start with an embedding model (Ollama lists the latest pulled first), which
// cannot drive the agent; the first other one is the better guess.
function suggestedModel(models: readonly string[]): string | undefined {
  return models.find((model) => !/embed/i.test(model)) ?? models[0];
}

function listed(models: readonly string[]): string {
  const shown = models.slice(0, LISTED_MODELS).join(', ');
  return models.length > LISTED_MODELS ? `${shown} and ${models.length - LISTED_MODELS} more` : shown;
}

// Quoted only when needed, so the common `llama3.2:latest` reads as typed; `~` is not safe bare,
// since shells expand it after ':' in an assignment.
function shellWord(text: string): string {
  return /^[A-Za-z0-9_.:/@%+,=-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
