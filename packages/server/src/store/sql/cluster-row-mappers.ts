import type { Selectable } from 'kysely';
import type { SessionLease, TaskCheckpoint, WorkerRecord } from '../../domain/index.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { EpochMs, SessionLeasesTable, TaskCheckpointsTable, WorkersTable } from './store-database.ts';

// Like row-mappers.ts: rows are written only by this adapter, so their JSON is trusted on the way
// back, and the one secret column here (a checkpoint's data) is sealed and opened here only.

const date = (value: EpochMs): Date => new Date(Number(value));

export function rowToWorker(row: Selectable<WorkersTable>): WorkerRecord {
  return {
    id: row.id,
    capacity: Number(row.capacity),
    load: Number(row.load),
    meta: JSON.parse(row.meta) as Record<string, unknown>,
    startedAt: date(row.started_at),
    heartbeatAt: date(row.heartbeat_at),
  };
}

export function rowToLease(row: Selectable<SessionLeasesTable>): SessionLease {
  return { sessionId: row.session_id, workerId: row.worker_id, expiresAt: date(row.expires_at) };
}

/** Sealed from the first write: there are no checkpoints from before sealing to read in plain text. */
export function sealCheckpointData(data: Record<string, unknown>, secrets: SecretBox): string {
  return secrets.seal(JSON.stringify(data));
}

export function rowToCheckpoint(row: Selectable<TaskCheckpointsTable>, secrets: SecretBox): TaskCheckpoint {
  return {
    sessionId: row.session_id,
    data: JSON.parse(secrets.open(row.data)) as Record<string, unknown>,
    updatedAt: date(row.updated_at),
  };
}
