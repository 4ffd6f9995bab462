import type { PaymentTokenService } from './payment-tokens.ts';
import type { SessionFiles } from './session-files.ts';
import type { SessionReplays } from './session-replays.ts';
import type { SessionService } from './session-service.ts';

/**
 * What the HTTP edge asks of sessions: exactly the methods the routes and the auth hook call,
 * files, replays and payment tokens included. The routes depend on this, not on the class, so a
 * second implementation stands behind them: embedded mode hands them the SessionService that runs
 * the sessions in this process; a cluster API node (`cluster/cluster-sessions.ts`) keeps reads on
 * the shared store and sends commands to the worker that owns the session.
 */
export type Sessions = Pick<
  SessionService,
  | 'create'
  | 'createDemo'
  | 'get'
  | 'list'
  | 'summaries'
  | 'delete'
  | 'deleteAll'
  | 'sendMessage'
  | 'status'
  | 'messages'
  | 'history'
  | 'subscribe'
  | 'pause'
  | 'resume'
  | 'cancel'
  | 'navigate'
  | 'screenshot'
  | 'stepDesktop'
  | 'approvals'
  | 'liveUrl'
  | 'agentUrl'
  | 'isLiveToken'
  | 'authorizeLive'
  | 'liveStream'
  | 'liveInput'
> & {
  readonly files: Pick<SessionFiles, 'nameProblem' | 'upload' | 'list' | 'open' | 'delete'>;
  readonly replays: Pick<SessionReplays, 'limits' | 'list' | 'open'>;
  readonly paymentTokens: Pick<PaymentTokenService, 'create' | 'list' | 'get' | 'revoke'>;
};
