import { chalkStderr } from 'chalk';
import { Steward } from '@steward/client';
import { localKey } from './local-key.ts';
import { localServer } from './local-server.ts';
import type { Terminal } from './terminal.ts';

export interface Connection {
  client: Steward;
  baseUrl: string;
  /** What the CLI chose by itself, for the user to read (undefined when the environment said it all). */
  notice: string | undefined;
}

/**
 * A client for `STEWARD_URL` with `STEWARD_API_KEY`. Without either, the local server: the
 * address and data dir `npm start` would use here, with the CLI's own key from that data dir.
 */
export function connect(env: Record<string, string | undefined>): Connection {
  const url = env['STEWARD_URL']?.trim() || undefined;
  const apiKey = env['STEWARD_API_KEY']?.trim() || undefined;
  if (apiKey !== undefined) {
    const client = new Steward({ apiKey, ...(url === undefined ? {} : { baseUrl: url }) });
    return { client, baseUrl: client.baseUrl, notice: undefined };
  }
  if (url !== undefined) throw new MissingKeyError('STEWARD_URL is set but STEWARD_API_KEY is not: set the key the server gave you (steward keys create --name NAME on the server).');
  const local = localServer(env);
  const key = localKey(local.dataDir, env);
  const client = new Steward({ apiKey: key.key, baseUrl: local.url });
  const made = key.created ? `made an API key 'steward-cli' for it, kept in ${key.path}` : `its API key in ${key.path}`;
  return {
    client,
    baseUrl: client.baseUrl,
    notice: `No STEWARD_URL or STEWARD_API_KEY: using the local server at ${local.url} and ${made}.`,
  };
}

export class MissingKeyError extends Error {
  override name = 'MissingKeyError';
}

/** `connect`, after saying on stderr what the CLI chose by itself (the local server and its key). */
export function connected(terminal: Terminal): Connection {
  const connection = connect(terminal.env);
  if (connection.notice !== undefined) terminal.stderr.write(`${chalkStderr.dim(connection.notice)}\n`);
  return connection;
}
