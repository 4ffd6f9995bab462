import type { SessionService } from './session-service.ts';

/**
 * What the HTTP edge asks of sessions: exactly the methods the routes and the auth hook call,
 * files, replays and payment tokens included. The routes depend on this, not on the class, so a
 * second implementation can stand behind them: embedded mode hands them the SessionService that
 * runs the sessions in this process; cluster mode (issue 13) will hand an API node one that keeps
 * reads on the shared store and sends commands to the worker that owns the session.
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
  | 'files'
  | 'replays'
  | 'paymentTokens'
>;
