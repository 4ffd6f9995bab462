import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.ts';
import * as visibleMessagesIndex from './0002-visible-messages-index.ts';
import * as secretKeyCheck from './0003-secret-key-check.ts';
import * as webhookSecrets from './0004-webhook-secrets.ts';
import * as paymentTokensAndApprovals from './0005-payment-tokens-and-approvals.ts';
import * as sessionSecrets from './0006-session-secrets.ts';
import * as workersLeasesAndCheckpoints from './0007-workers-leases-and-checkpoints.ts';

/**
 * Every migration, keyed by a name that sorts in the order they must run. Append only: a shipped
 * migration is never edited, a change is a new module.
 */
export const STORE_MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-initial': initial,
  '0002-visible-messages-index': visibleMessagesIndex,
  '0003-secret-key-check': secretKeyCheck,
  '0004-webhook-secrets': webhookSecrets,
  '0005-payment-tokens-and-approvals': paymentTokensAndApprovals,
  '0006-session-secrets': sessionSecrets,
  '0007-workers-leases-and-checkpoints': workersLeasesAndCheckpoints,
});

/** In-code provider: migrations ship inside the bundle, nothing is read from disk at run time. */
export const storeMigrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...STORE_MIGRATIONS }),
};
