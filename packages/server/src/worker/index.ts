// What runs sessions: the session service (runtimes, the task controller, expiry, restart
// recovery, live streams over the browser pool), and a cluster worker's side of the boundary
// (the commands it serves, its membership: heartbeats, leases, adoption).
export { SessionService } from './session-service.ts';
export type { SessionDeps, SessionLimits, WebhookSink } from './session-core.ts';
export type { SessionFiles } from './session-files.ts';
export type { SessionReplays } from './session-replays.ts';
export { WorkerCommands } from './worker-commands.ts';
export { WorkerMembership, type MemberSessions } from './worker-membership.ts';
