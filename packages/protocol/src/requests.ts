import { z } from 'zod';
import { ApprovalPolicy } from './approvals.ts';
import { AgentName, AgentSessionType, EnvironmentType, EventType, SNAPSHOT_MODES } from './enums.ts';

/** Longest URL accepted anywhere on the wire (spec §1.1, §1.6, §1.11). */
export const MAX_URL_LENGTH = 2000;
/** Message length bounds (spec §1.6). */
export const MAX_MESSAGE_LENGTH = 10_000;
/** Upper bound on `max_steps`: a runaway budget is a client mistake, not a feature. */
export const MAX_STEPS_LIMIT = 1000;
/** Deepest nesting of arrays and objects in a JSON body; no request of the API needs more than a few levels. */
export const MAX_JSON_DEPTH = 64;

/**
 * Query booleans arrive as `true`/`false`/`True`/`1`… from the SDKs (spec §3.5): parse leniently,
 * reject anything else with 422.
 */
export const QueryBoolean = z
  .union([z.boolean(), z.string()])
  .transform((value, ctx) => {
    if (typeof value === 'boolean') return value;
    const v = value.trim().toLowerCase();
    if (v === 'true' || v === '1' || v === 'yes') return true;
    if (v === 'false' || v === '0' || v === 'no') return false;
    ctx.addIssue({ code: 'custom', message: 'value is not a valid boolean' });
    return z.NEVER;
  });

/**
 * A non-negative integer in a query or header value: decimal digits only. (`z.coerce.number()`
 * read `0x10` as 16, an empty value as 0 and `1e3` as 1000: a client sending those has a bug
 * that a guess would hide.)
 */
export const DecimalInteger = z
  .string()
  .regex(/^[0-9]+$/, 'value is not a valid integer: decimal digits only')
  .transform(Number)
  .pipe(z.int().min(0));

const Url = z.string().max(MAX_URL_LENGTH);

/** Longest `proxy_url`: room for long credentials, not for a document. */
export const MAX_PROXY_URL_LENGTH = 1000;

const PROXY_URL_SHAPE = /^(?:http|socks5h?):\/\/(?:([^@/?#]*)@)?(?:\[[0-9a-f:.]+\]|[^\s:/?#@[\]]+):(\d{1,5})\/?$/i;

/**
 * `proxy_url`: `http://`, `socks5://` or `socks5h://`, optional `user:pass@` (percent-encoded),
 * a host and an explicit port, nothing after it. Messages never quote the value: it may hold a
 * password.
 */
const ProxyUrl = z
  .string()
  .max(MAX_PROXY_URL_LENGTH)
  .superRefine((value, ctx) => {
    const match = PROXY_URL_SHAPE.exec(value);
    const port = Number(match?.[2]);
    let problem: string | undefined;
    if (match === null) problem = 'must be http://, socks5:// or socks5h://[user:pass@]host:port, with a port and nothing after it';
    else if (port < 1 || port > 65_535) problem = 'the port must be 1 to 65535';
    else {
      try {
        new URL(value);
        decodeURIComponent(match[1] ?? '');
      } catch {
        problem = 'is not a valid URL (percent-encode reserved characters in the credentials)';
      }
    }
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

/** A secret's name as tasks write it (`{{secret:NAME}}`). */
export const SECRET_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const MAX_SECRETS = 50;
export const MAX_SECRET_LENGTH = 4_096;

/**
 * Steward extension: values the agent may type without seeing them (browser-use's `sensitive_data`).
 * A task names one as `{{secret:NAME}}`; the agent types the placeholder, the browser types the
 * value, and every stored or streamed text shows the placeholder. `domains`: the only sites it may
 * be typed into (default: the sites the task names: its start_url, its text, allow_domains).
 */
export const SessionSecrets = z
  .record(
    z.string().regex(SECRET_NAME_PATTERN, 'a secret name is a letter, then letters, digits or _ (at most 64)'),
    z.union([
      z.string().min(1).max(MAX_SECRET_LENGTH),
      z.object({ value: z.string().min(1).max(MAX_SECRET_LENGTH), domains: z.array(z.string().min(1).max(253)).min(1).max(20).optional() }).strict(),
    ]),
  )
  .refine((secrets) => Object.keys(secrets).length <= MAX_SECRETS, `at most ${MAX_SECRETS} secrets`);
export type SessionSecrets = z.infer<typeof SessionSecrets>;

/** POST /v1/sessions (spec §1.1). Unknown fields are ignored. */
export const CreateSessionRequest = z.object({
  agent_name: AgentName.default('agi-0'),
  webhook_url: Url.optional(),
  restore_from_session_id: z.string().optional(),
  restore_default_environment_from_user_id: z.string().optional(),
  restore_from_environment_id: z.string().optional(),
  enable_memory_snapshot: z.boolean().default(true),
  max_steps: z.number().int().min(1).max(MAX_STEPS_LIMIT).default(100),
  goal: z.string().min(1).max(MAX_MESSAGE_LENGTH).optional(),
  agent_session_type: AgentSessionType.optional(),
  cdp_url: z.string().max(2_000).optional(),
  cdp_ws_url: z.string().max(2_000).optional(),
  environment_type: EnvironmentType.optional(),
  model: z.string().optional(),
  /** Steward extension: the only domains (and their subdomains) this session's browser may reach. */
  allow_domains: z.array(z.string().min(1).max(253)).max(100).optional(),
  /** Steward extension: domains this session's browser may never reach (wins over allow_domains). */
  deny_domains: z.array(z.string().min(1).max(253)).max(100).optional(),
  /**
   * Steward extension: an upstream proxy for this session's browser traffic (a geography, an
   * operator's own egress). The egress firewall decides first; allowed requests leave through it.
   */
  proxy_url: ProxyUrl.optional(),
  /** Steward extension: which consequential actions the agent asks the user to approve first. */
  approval_policy: ApprovalPolicy.default('payments_only'),
  /** Steward extension: see `SessionSecrets`; also settable per task as `config_updates.secrets`. */
  secrets: SessionSecrets.optional(),
});
export type CreateSessionRequest = z.infer<typeof CreateSessionRequest>;

/** POST /v1/sessions/{id}/message (spec §1.6). */
export const SendMessageRequest = z.object({
  message: z.string().min(1).max(MAX_MESSAGE_LENGTH),
  start_url: Url.optional(),
  /**
   * Steward reads `output_schema` (a JSON Schema the result must match), `payment_token` (`ptok_…`),
   * `secrets` (added to the session's, see `SessionSecrets`) and `max_cost_usd`; other keys are
   * kept, unread.
   */
  config_updates: z
    .looseObject({
      secrets: SessionSecrets.optional(),
      /** Steward extension: stop the task once its model calls cost more (needs the model's prices). */
      max_cost_usd: z.number().positive().max(1_000_000).optional(),
    })
    .optional(),
  context: z.string().max(MAX_MESSAGE_LENGTH).optional(),
});
export type SendMessageRequest = z.infer<typeof SendMessageRequest>;

/** POST /v1/sessions/{id}/navigate (spec §1.11). */
export const NavigateRequest = z.object({ url: Url });
export type NavigateRequest = z.infer<typeof NavigateRequest>;

/** GET /v1/sessions/{id}/messages (spec §1.8). */
export const GetMessagesQuery = z.object({
  after_id: DecimalInteger.default(0),
  sanitize: QueryBoolean.default(true),
});
export type GetMessagesQuery = z.infer<typeof GetMessagesQuery>;

/** GET /v1/sessions/{id}/events (spec §1.9, §9.9). */
export const StreamEventsQuery = z.object({
  sanitize: QueryBoolean.default(true),
  include_history: QueryBoolean.default(true),
  event_types: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return undefined;
      const names = value.split(',').map((s) => s.trim()).filter(Boolean);
      const out: EventType[] = [];
      for (const name of names) {
        const parsed = EventType.safeParse(name);
        if (!parsed.success) {
          ctx.addIssue({ code: 'custom', message: `unknown event type '${name}'` });
          return z.NEVER;
        }
        out.push(parsed.data);
      }
      return out;
    }),
  after_id: DecimalInteger.optional(),
});
export type StreamEventsQuery = z.infer<typeof StreamEventsQuery>;

/** Headers of GET /v1/sessions/{id}/events: `Last-Event-ID` resumes after that message id and wins over `after_id`. */
export const StreamEventsHeaders = z.object({ 'last-event-id': DecimalInteger.optional() });
export type StreamEventsHeaders = z.infer<typeof StreamEventsHeaders>;

/** DELETE /v1/sessions/{id} (spec §1.4). `auto`/`always` from the C# SDK read as none/filesystem. */
export const DeleteSessionQuery = z.object({
  save_snapshot_mode: z
    .string()
    .default('none')
    .transform((value, ctx) => {
      const v = value.trim().toLowerCase();
      if (v === 'auto') return 'none' as const;
      if (v === 'always') return 'filesystem' as const;
      if ((SNAPSHOT_MODES as readonly string[]).includes(v)) return v as (typeof SNAPSHOT_MODES)[number];
      ctx.addIssue({ code: 'custom', message: `save_snapshot_mode must be one of ${SNAPSHOT_MODES.join(', ')}` });
      return z.NEVER;
    }),
  save_as_default: QueryBoolean.default(false),
});
export type DeleteSessionQuery = z.infer<typeof DeleteSessionQuery>;

/** GET /v1/models (spec §1.13). */
export const ListModelsQuery = z.object({ filter: z.enum(['cdp', 'desktop']).optional() });
export type ListModelsQuery = z.infer<typeof ListModelsQuery>;

/** POST /v1/sessions/{id}/live/input (Steward extension, spec §9.14): a person's input in the live view. */
export const LiveInputRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('click'), x: z.number().min(0).max(10_000), y: z.number().min(0).max(10_000), button: z.enum(['left', 'right', 'middle']).optional() }),
  z.object({ type: z.literal('move'), x: z.number().min(0).max(10_000), y: z.number().min(0).max(10_000) }),
  z.object({ type: z.literal('wheel'), x: z.number().min(0).max(10_000), y: z.number().min(0).max(10_000), deltaX: z.number().min(-10_000).max(10_000), deltaY: z.number().min(-10_000).max(10_000) }),
  z.object({ type: z.literal('type'), text: z.string().min(1).max(1_000) }),
  z.object({ type: z.literal('key'), key: z.string().min(1).max(50) }),
]);
export type LiveInputRequest = z.infer<typeof LiveInputRequest>;

/** The `token` query of the live-view routes: lets a browser open `vnc_url` without a header. */
export const LiveTokenQuery = z.object({ token: z.string().max(200).optional() });
