import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIPv4 } from 'node:net';
import { optionalEnv, type ModelEnv } from './provider-env.ts';

/** Comma-separated base URLs to probe instead of the defaults; `off` disables the probe. */
export const LOCAL_MODEL_PROBE_URLS_ENV = 'STEWARD_LOCAL_MODEL_PROBE_URLS';

/**
 * The default addresses of the local OpenAI-compatible servers people run, in the order they are
 * offered: Ollama, LM Studio, vLLM, then llama.cpp's llama-server (also LocalAI's default).
 */
export const DEFAULT_LOCAL_MODEL_URLS: readonly string[] = [
  'http://127.0.0.1:11434/v1',
  'http://127.0.0.1:1234/v1',
  'http://127.0.0.1:8000/v1',
  'http://127.0.0.1:8080/v1',
];

/**
 * A loopback server answers its model list in milliseconds; anything slower is not worth the wait.
 * The default of `STEWARD_LOCAL_MODEL_PROBE_TIMEOUT_MS`, which `serve` passes as `timeoutMs`.
 */
export const LOCAL_MODEL_PROBE_TIMEOUT_MS = 500;

// A model list is a few kilobytes; a bigger answer is not one.
const MAX_BODY_BYTES = 1_048_576;

export interface LocalModelServer {
  /** The base URL as an `openai-compatible:<model>@<base url>` spec takes it (no trailing slash). */
  baseUrl: string;
  /** Model ids in the server's order, only those a model spec can name. */
  models: string[];
}

export interface LocalModelProbeTargets {
  /** Loopback base URLs to probe (empty when the probe is off). */
  urls: string[];
  /** Override entries that are not literal loopback http(s) URLs: never contacted. */
  ignored: string[];
}

/**
 * The base URLs to probe: `STEWARD_LOCAL_MODEL_PROBE_URLS` when set, else the defaults. Only
 * literal loopback addresses (127.0.0.0/8, [::1]) pass; a host name is refused too, since a name
 * may resolve off the machine. URLs on `ownUrl`'s port are skipped: that is Steward itself, which
 * would count the probe as a failed authentication.
 */
export function localModelProbeTargets(env: ModelEnv, ownUrl?: string): LocalModelProbeTargets {
  const raw = optionalEnv(env, LOCAL_MODEL_PROBE_URLS_ENV);
  if (raw?.toLowerCase() === 'off') return { urls: [], ignored: [] };
  const entries = raw === undefined ? DEFAULT_LOCAL_MODEL_URLS : raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  const ownPort = ownUrl === undefined ? undefined : portOf(ownUrl);
  const urls: string[] = [];
  const ignored: string[] = [];
  for (const entry of entries) {
    const url = loopbackBaseUrl(entry);
    if (url === undefined) ignored.push(entry);
    else if (portOf(url) !== ownPort && !urls.includes(url)) urls.push(url);
  }
  return { urls, ignored };
}

export interface LocalModelProbeOptions {
  timeoutMs?: number | undefined;
}

/**
 * Asks each base URL for `GET <base>/models`, all at once, and returns the servers that answered
 * with a model list, in the order of `urls`. Never rejects: a refused connection, a timeout, an
 * error status, a redirect or a body that is not a model list all mean "no server there". URLs
 * that are not loopback are skipped here too, whoever built the list.
 */
export async function probeLocalModelServers(urls: readonly string[], options: LocalModelProbeOptions = {}): Promise<LocalModelServer[]> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? LOCAL_MODEL_PROBE_TIMEOUT_MS);
  const answers = await Promise.all(
    urls.map(async (url): Promise<LocalModelServer | undefined> => {
      const baseUrl = loopbackBaseUrl(url);
      if (baseUrl === undefined) return undefined;
      const text = await getModelList(new URL(`${baseUrl}/models`), signal);
      const models = text === undefined ? undefined : modelIds(parseJson(text));
      return models === undefined ? undefined : { baseUrl, models };
    }),
  );
  return answers.filter((server) => server !== undefined);
}

/**
 * The body of a 200 answer, else undefined; never rejects. node:http rather than fetch: one
 * connection per probe, closed after it (`agent: false`), none left open or opened again when
 * the deadline aborts it, and no redirect is ever followed, so nothing leaves loopback. No API
 * key is sent: STEWARD_OPENAI_COMPATIBLE_API_KEY is for the configured server, not for whatever
 * listens on these ports.
 */
function getModelList(url: URL, signal: AbortSignal): Promise<string | undefined> {
  return new Promise((resolve) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, { method: 'GET', agent: false, signal, headers: { accept: 'application/json' } }, (response) => {
      if (response.statusCode !== 200) {
        response.destroy();
        resolve(undefined);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size > MAX_BODY_BYTES) {
          request.destroy();
          resolve(undefined);
        } else chunks.push(chunk);
      });
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      // An abort or reset mid-body; after 'end' this settles nothing.
      response.on('close', () => resolve(undefined));
      response.on('error', () => resolve(undefined));
    });
    request.on('error', () => resolve(undefined));
    request.end();
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The OpenAI shape `{"data":[{"id":…}]}`, or Ollama's own `{"models":[{"name"|"model":…}]}`. */
function modelIds(body: unknown): string[] | undefined {
  if (!isObject(body)) return undefined;
  const list = Array.isArray(body['data']) ? body['data'] : Array.isArray(body['models']) ? body['models'] : undefined;
  if (list === undefined) return undefined;
  const ids = list.map((item) => (isObject(item) ? (item['id'] ?? item['name'] ?? item['model']) : undefined));
  // A spec cannot carry an empty name or whitespace, so such an id could never be offered.
  return [...new Set(ids.filter((id): id is string => typeof id === 'string' && id !== '' && !/\s/.test(id)))];
}

/** The normalized base URL when `text` is an http(s) URL on a literal loopback address, else undefined. */
function loopbackBaseUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return undefined;
  if (!isLoopbackAddress(url.hostname)) return undefined;
  return url.href.replace(/\/+$/, '');
}

// URL has already normalized the host: `127.1` and `2130706433` read 127.0.0.1, `[0::1]` reads [::1].
function isLoopbackAddress(hostname: string): boolean {
  return isIPv4(hostname) ? hostname.startsWith('127.') : hostname === '[::1]';
}

function portOf(text: string): string | undefined {
  try {
    const url = new URL(text);
    return url.port === '' ? (url.protocol === 'https:' ? '443' : '80') : url.port;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
