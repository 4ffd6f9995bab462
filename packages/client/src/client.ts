import { readEnv } from './core/env.ts';
import { StewardError } from './core/errors.ts';
import { HttpCore, type Fetch } from './core/http.ts';
import { Approvals } from './resources/approvals.ts';
import { Demo } from './resources/demo.ts';
import { Files } from './resources/files.ts';
import { LiveView } from './resources/live-view.ts';
import { Models } from './resources/models.ts';
import { PaymentTokens } from './resources/payment-tokens.ts';
import { Replay } from './resources/replay.ts';
import { Sessions } from './resources/sessions.ts';
import { SessionContext } from './session/session-context.ts';
import type { CreateSessionOptions } from './types.ts';

export interface ClientOptions {
  /** Default: `STEWARD_API_KEY`. */
  apiKey?: string | undefined;
  /** The server's origin, with or without `/v1`. Default: `STEWARD_URL`, else `http://127.0.0.1:8080`. */
  baseUrl?: string | undefined;
  /** Milliseconds per attempt (default 60,000). */
  timeout?: number | undefined;
  /** Retries after the first attempt, where the retry policy allows one (default 3). */
  maxRetries?: number | undefined;
  /** Default: the global `fetch`. */
  fetch?: Fetch | undefined;
  defaultHeaders?: Record<string, string> | undefined;
}

const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

/**
 * A client of a Steward server, shaped like the public Agent Sessions SDK's `AGIClient`:
 * resources over one request core.
 */
export class Steward {
  readonly sessions: Sessions;
  readonly models: Models;
  readonly files: Files;
  readonly paymentTokens: PaymentTokens;
  readonly approvals: Approvals;
  readonly replay: Replay;
  readonly demo: Demo;
  readonly liveView: LiveView;
  readonly baseUrl: string;

  constructor(options: ClientOptions = {}) {
    const apiKey = options.apiKey ?? readEnv('STEWARD_API_KEY');
    if (apiKey === undefined || apiKey === '') throw new StewardError('An API key is required: pass { apiKey } or set STEWARD_API_KEY.');
    const fetch = options.fetch ?? (globalThis.fetch as Fetch | undefined);
    if (fetch === undefined) throw new StewardError('No fetch: pass { fetch } on a runtime without a global one.');
    this.baseUrl = resolveBaseUrl(options.baseUrl);
    const http = new HttpCore({
      apiKey,
      baseUrl: this.baseUrl,
      timeout: options.timeout ?? 60_000,
      maxRetries: options.maxRetries ?? 3,
      // Called unbound: some runtimes refuse a `fetch` whose `this` is not the global.
      fetch: (input, init) => fetch(input, init),
      defaultHeaders: options.defaultHeaders ?? {},
    });
    this.models = new Models(http);
    this.sessions = new Sessions(http, this.models);
    this.files = new Files(http);
    this.paymentTokens = new PaymentTokens(http);
    this.approvals = new Approvals(http);
    this.replay = new Replay(http);
    this.demo = new Demo(http);
    this.liveView = new LiveView(http);
  }

  /** A session created on first use and deleted by `await using` (or `delete()`). */
  session(agentName = 'agi-0', options: CreateSessionOptions = {}): SessionContext {
    return new SessionContext(this.sessions, agentName, options);
  }
}

/**
 * The live view of a page opened from a session's `vnc_url` alone: no API key, each call carries
 * the URL's capability token (`{ token }`), which opens the live view of that one session only.
 */
export function liveViewWithToken(options: Pick<ClientOptions, 'baseUrl' | 'timeout' | 'fetch'> = {}): LiveView {
  const fetch = options.fetch ?? (globalThis as { fetch?: Fetch }).fetch;
  if (fetch === undefined) throw new StewardError('No fetch: pass { fetch } on a runtime without a global one.');
  return new LiveView(new HttpCore({ apiKey: '', baseUrl: resolveBaseUrl(options.baseUrl), timeout: options.timeout ?? 60_000, maxRetries: 2, fetch: (input, init) => fetch(input, init), defaultHeaders: {} }));
}

/** The server's origin from the option, `STEWARD_URL` or the local default, without a trailing slash or `/v1`. */
function resolveBaseUrl(baseUrl: string | undefined): string {
  return (baseUrl ?? readEnv('STEWARD_URL') ?? DEFAULT_BASE_URL).replace(/\/+$/, '').replace(/\/v1$/, '');
}
