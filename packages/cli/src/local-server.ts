import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the server resolves a relative data dir against it, so the CLI does too. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The server's own defaults (packages/server/src/config/config.ts), repeated here because the CLI
 * may not import server code; test/local-defaults.test.ts keeps the two equal.
 */
export const SERVER_DEFAULTS = { host: '127.0.0.1', port: 8080, dataDir: '.steward' } as const;

/** Where the CLI keeps the API key it made for itself, inside the server's data dir (decision 0012). */
export const CLI_KEY_FILE = 'cli-api-key';

export interface LocalServer {
  url: string;
  dataDir: string;
}

export class LocalServerError extends Error {
  override name = 'LocalServerError';
}

/**
 * The server `npm start` would run on this machine with this environment: its address and data
 * dir from STEWARD_HOST, STEWARD_PORT, STEWARD_DATA_DIR or the STEWARD_CONFIG_FILE they override,
 * read the way the server reads them.
 */
export function localServer(env: Record<string, string | undefined>): LocalServer {
  const file = readConfigFile(env['STEWARD_CONFIG_FILE']);
  const setting = (name: string, key: 'host' | 'port' | 'dataDir'): string => {
    const fromEnv = env[name]?.trim();
    if (fromEnv) return fromEnv;
    const fromFile = file[key];
    return typeof fromFile === 'string' || typeof fromFile === 'number' ? String(fromFile) : String(SERVER_DEFAULTS[key]);
  };
  const dataDir = setting('STEWARD_DATA_DIR', 'dataDir');
  return {
    url: `http://${connectHost(setting('STEWARD_HOST', 'host'))}:${setting('STEWARD_PORT', 'port')}`,
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(REPO_ROOT, dataDir),
  };
}

/** A server listening on every address is reached on loopback; an IPv6 literal needs brackets. */
function connectHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function readConfigFile(path: string | undefined): Record<string, unknown> {
  if (path === undefined || path.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch (error) {
    throw new LocalServerError(`Cannot read STEWARD_CONFIG_FILE ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
