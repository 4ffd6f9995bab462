import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, resolveDataDir } from './open-store.ts';
import { ConfigError, loadConfig, type Config } from './config/index.ts';
import { findLocalModelOffers } from './llm/local-model-offer.ts';
import { ApiKeyService, WebhookSecrets } from './sessions/index.ts';
import { systemClock } from './util/index.ts';

/** The repository root: relative data dirs and `script:` paths resolve against it. */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const USAGE = `Usage: steward <command>

Commands:
  serve                     run the API server (STEWARD_HOST:STEWARD_PORT, default 127.0.0.1:8080)
  keys create --name NAME   create an API key; the key is printed alone on the last line
  keys list                 list API keys (id, name, prefix, created, revoked)
  keys revoke ID            revoke an API key
  keys webhook-secret ID    print the secret that signs the webhooks of this key's sessions
                            (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature)
  help                      show this text

Configuration is read from STEWARD_* environment variables; see docs/configuration.md.`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  const config = loadConfig(process.env);
  switch (command) {
    case 'serve':
      return serve(config);
    case 'keys':
      return keysCommand(config, rest);
    default:
      throw new UsageError(`Unknown command '${command}'.`);
  }
}

async function keysCommand(config: Config, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const store = await openStore(config, REPO_ROOT);
  const keys = new ApiKeyService(store, systemClock);
  try {
    switch (sub) {
      case 'create': {
        const name = flagValue(rest, '--name');
        if (name === undefined) throw new UsageError('keys create needs --name NAME.');
        const created = await keys.create(name);
        process.stdout.write(`Created API key '${created.record.name}' (id ${created.record.id}). Store it now: it is not shown again.\n${created.key}\n`);
        return 0;
      }
      case 'list': {
        const list = await keys.list();
        if (list.length === 0) process.stdout.write('No API keys.\n');
        for (const key of list) {
          const revoked = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
          process.stdout.write(`${key.id}  ${key.prefix}…  ${key.name}  created ${key.createdAt.toISOString()}  ${revoked}\n`);
        }
        return 0;
      }
      case 'revoke': {
        const id = rest[0];
        if (id === undefined) throw new UsageError('keys revoke needs the key id (see keys list).');
        if (!(await keys.revoke(id))) {
          process.stderr.write(`No API key with id ${id}.\n`);
          return 1;
        }
        process.stdout.write(`Revoked API key ${id}.\n`);
        return 0;
      }
      case 'webhook-secret': {
        const id = rest[0];
        if (id === undefined) throw new UsageError('keys webhook-secret needs the key id (see keys list).');
        if ((await store.getApiKey(id)) === undefined) {
          process.stderr.write(`No API key with id ${id}.\n`);
          return 1;
        }
        // Created on first use and kept in the store: the server signs with the same one.
        const secret = await new WebhookSecrets(store).secretFor(id);
        process.stdout.write(`Webhook signing secret of API key ${id} (verify webhook-signature with it):\n${secret}\n`);
        return 0;
      }
      default:
        throw new UsageError(`Unknown keys command '${sub ?? ''}'.`);
    }
  } finally {
    await store.close();
  }
}

async function serve(config: Config): Promise<number> {
  // Loaded here so key commands do not pay for Chromium and model adapters at start-up.
  const { composeNode } = await import('./compose.ts');
  const server = await composeNode({ config, env: process.env, repoRoot: REPO_ROOT });
  const { logger } = server;
  if (config.role !== 'embedded') {
    // Nodes of a cluster start together: a first key each would make several. The operator makes one.
    if (server.keys !== undefined && (await server.keys.list()).length === 0) {
      process.stdout.write('No API key exists yet: create one with `steward keys create --name NAME` (docs/cluster.md).\n');
    }
  } else if (server.keys !== undefined && (await server.keys.list()).length === 0) {
    const created = await server.keys.create('default');
    process.stdout.write(
      `\nCreated the first API key (name 'default'). Store it now: it is not shown again.\n` +
        `Use it as: Authorization: Bearer <key>\n\n  ${created.key}\n\n`,
    );
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 20_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => stop('SIGHUP'));
  const url = await server.listen();
  logger.info({ url, dataDir: resolveDataDir(config, REPO_ROOT), model: config.model ?? null, role: config.role }, 'listening');
  process.stdout.write(`Steward listening on ${url}\n`);
  if (config.model === undefined && config.role === 'embedded') {
    process.stdout.write('No model configured: tasks will end with an ERROR until STEWARD_MODEL is set (see README).\n');
    // After listening, so the probe never delays start-up; it only offers, the user opts in.
    void findLocalModelOffers(process.env, url, { timeoutMs: config.localModelProbeTimeoutMs }).then(({ offers, ignored }) => {
      if (ignored.length > 0) logger.warn({ ignored }, 'STEWARD_LOCAL_MODEL_PROBE_URLS entries that are not loopback http(s) URLs were not probed');
      for (const offer of offers) {
        logger.info({ baseUrl: offer.baseUrl, models: offer.models, suggested: offer.spec ?? null }, 'found a local OpenAI-compatible model server');
        process.stdout.write(offer.text);
      }
    });
  }
  return new Promise<number>(() => undefined);
}

function flagValue(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  if (index >= 0) return args[index + 1];
  const inline = args.find((a) => a.startsWith(`${flag}=`));
  return inline?.slice(flag.length + 1);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    if (error instanceof ConfigError || (error instanceof Error && (error.name === 'ModelSpecError' || error.name === 'SecretKeyError' || error.name === 'StoreUnavailableError'))) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`steward: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
