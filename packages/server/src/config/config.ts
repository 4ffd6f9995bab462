import { z } from 'zod';

const seconds = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/**
 * Every setting in one schema. Environment variables are `STEWARD_` + the upper-snake name
 * (e.g. `sessionIdleTimeoutS` ← `STEWARD_SESSION_IDLE_TIMEOUT_S`); a JSON file named by
 * `STEWARD_CONFIG_FILE` may set the same keys in camelCase, and the environment wins.
 * `docs/configuration.md` lists them; a test keeps the two in sync.
 */
export const ConfigSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Base of absolute URLs the server hands out (vnc_url). Default http://<host>:<port>. */
  publicUrl: z.url().optional(),
  /** Where the SQLite database and other state live. Relative paths are resolved against the repository root. */
  dataDir: z.string().min(1).default('.steward'),
  /**
   * `postgres://user:password@host:port/database`: keep the store in PostgreSQL instead of SQLite in
   * the data dir. Never logged with its password.
   */
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'expected postgres://user:password@host:5432/database').optional(),
  /**
   * `redis://[:password@]host:port[/db]`: count rate limits in Redis, so every API node that points
   * at it shares them. Absent, each process counts its own. Never logged with its password.
   */
  redisUrl: z.string().regex(/^rediss?:\/\//, 'expected redis://host:6379 or rediss://…').optional(),
  /**
   * The key that seals secrets at rest (proxy and webhook URLs, saved browser state): 32 bytes as
   * 64 hex digits or base64. Default: a key generated into `<dataDir>/secret.key` on first start.
   */
  secretKey: z
    .string()
    .regex(/^\s*(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)\s*$/, 'expected 32 bytes as 64 hex digits or as base64 (e.g. `openssl rand -base64 32`)')
    .optional(),
  /**
   * `embedded` (one process runs everything), or cluster mode (docs/cluster.md): `api` serves the
   * HTTP API and runs no browser, `worker` runs sessions and serves only /healthz and /metrics.
   * Cluster roles need STEWARD_DATABASE_URL, STEWARD_REDIS_URL and the same STEWARD_SECRET_KEY.
   */
  role: z.enum(['embedded', 'api', 'worker']).default('embedded'),
  /** Cluster mode: a worker's sessions go to another worker this long after its last heartbeat (it sends three per lease). */
  leaseTtlS: z.coerce.number().min(1).max(3600).default(15),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  /** Model for `agi-0`: `openai:<m>`, `anthropic:<m>`, `google:<m>`, `openai-compatible:<m>@<url>`, `script:<path>`. */
  model: z.string().min(1).optional(),
  /** Model for `agi-0-fast`; falls back to `model`. */
  fastModel: z.string().min(1).optional(),
  /** USD per million input and output tokens of the main model, `input,output` (e.g. `0.15,0.6`): DONE and LOG metadata then carry costs. */
  modelPrice: z.string().regex(/^\d+(\.\d+)?,\d+(\.\d+)?$/, 'expected "input,output" USD per million tokens, e.g. 0.15,0.6').optional(),
  /** The same for the fast model; defaults to modelPrice when the fast model is the main one. */
  fastModelPrice: z.string().regex(/^\d+(\.\d+)?,\d+(\.\d+)?$/, 'expected "input,output" USD per million tokens, e.g. 0.15,0.6').optional(),
  /** Per model call deadline. */
  modelTimeoutS: seconds(60),
  /** With no model set, how long `serve` waits for local OpenAI-compatible servers to list their models. */
  localModelProbeTimeoutMs: z.coerce.number().int().min(1).max(600_000).default(500),
  /** Model that classifies tasks the intent-screening rules are unsure about (a model spec); unset: the task's own model. */
  screeningModel: z.string().min(1).optional(),
  /**
   * Which tasks the classifier sees: `uncertain` (those the rules are unsure about) or `all` (every
   * task and follow-up the rules do not refuse). Unset: `all` when screeningModel is set, else `uncertain`.
   */
  screeningScope: z.enum(['uncertain', 'all']).optional(),

  chromiumPath: z.string().min(1).default('/usr/bin/chromium'),
  /** Pre-created browser contexts kept ready so that creating a session does not wait for Chromium. */
  warmContexts: z.coerce.number().int().min(0).max(32).default(2),
  /**
   * With `shared` isolation, how many ready contexts the pool may hold while sessions are being
   * created quickly: as many as were asked for in the last 10 s, between warmContexts and this
   * (each ~20 MB while it waits). Below warmContexts it is warmContexts.
   */
  warmContextsMax: z.coerce.number().int().min(0).max(64).default(8),
  /** `shared`: one Chromium, a context per session; `key`: a Chromium per API key; `session`: a Chromium per session. */
  browserIsolation: z.enum(['shared', 'key', 'session']).default('shared'),
  /** `on`: Chromium runs in a network namespace whose only way out is the egress proxy; `off`: proxy settings only (WebRTC's UDP is not contained). */
  browserNetworkNamespace: z.enum(['on', 'off']).default('on'),
  /** A shared or per-key Chromium is replaced after serving this many sessions (live ones keep it). 0 disables. */
  browserRecycleAfterSessions: z.coerce.number().int().min(0).max(1_000_000).default(500),
  /** … or once its own processes (renderers excluded) use more than this many MB. 0 disables. */
  browserRecycleMb: z.coerce.number().int().min(0).max(1_000_000).default(2048),
  /** Cap on live sessions (each holds a browser context, ~56 MB). Beyond it create answers 429. */
  maxSessions: z.coerce.number().int().min(1).max(10_000).default(50),
  /** A session with no client command and no agent step for this long is terminated. 0 disables. */
  sessionIdleTimeoutS: seconds(30 * 60),
  /** A session is terminated this long after creation, whatever it is doing. 0 disables. */
  sessionMaxLifetimeS: seconds(24 * 60 * 60),
  /** Wall-time budget of one task. 0 disables. */
  taskTimeoutS: seconds(30 * 60),
  navigationTimeoutS: seconds(15),
  actionTimeoutS: seconds(5),

  /** Requests per API key per minute (a fixed 60 s window). 0 disables. */
  rateLimitPerMinute: z.coerce.number().int().min(0).default(3000),
  /** Failed authentications (401) per client address per minute; past it the address gets 429, good key or not. 0 disables. */
  authFailuresPerMinute: z.coerce.number().int().min(0).default(30),
  /** Live-view requests (input, page, stream) per session per minute, whoever sends them. 0 disables. */
  liveViewPerMinute: z.coerce.number().int().min(0).default(600),
  /** `GET /metrics` (Prometheus text, no key: counts only) and request latency histograms; `off` removes both. */
  metrics: z.enum(['on', 'off']).default('on'),

  /** Largest file a session may keep (an upload, or a download the agent caused), in MB (fractions allowed). */
  maxFileMb: z.coerce.number().positive().max(1_000_000).default(50),
  /** All files of one session together, in MB; a file that would pass it is refused. */
  maxSessionFilesMb: z.coerce.number().positive().max(1_000_000).default(200),

  /**
   * Step pictures a session's replay keeps (one small JPEG per agent step); past it the oldest go.
   * 0 turns the replay off. 200: twice the default max_steps of a task.
   */
  replayMaxSteps: z.coerce.number().int().min(0).max(100_000).default(200),
  /** Bytes of step pictures a session's replay keeps, all together; past it the oldest go. 0 turns the replay off. */
  replayMaxBytes: z.coerce.number().int().min(0).max(1_099_511_627_776).default(8 * 1_048_576),

  sseHeartbeatS: z.coerce.number().min(0.05).max(300).default(15),
  /** Bytes an SSE client may fall behind before its connection is dropped. */
  sseMaxBufferBytes: z.coerce.number().int().min(4096).default(1024 * 1024),

  /**
   * Private destinations the browser and webhooks may reach despite the egress firewall:
   * comma-separated hosts, host:port pairs or CIDRs (e.g. `127.0.0.1:3000,10.1.0.0/16`).
   */
  egressAllow: z.string().default(''),

  webhookTimeoutS: seconds(10),
  webhookRetryWindowS: seconds(30),
});

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigKey = keyof Config;

export const CONFIG_KEYS = Object.keys(ConfigSchema.shape) as ConfigKey[];

/** `sessionIdleTimeoutS` → `STEWARD_SESSION_IDLE_TIMEOUT_S`. */
export function envName(key: ConfigKey): string {
  return `STEWARD_${key.replace(/([A-Z])/g, '_$1').toUpperCase()}`;
}
