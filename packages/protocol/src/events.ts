import { z } from 'zod';
import type { EventType } from './enums.ts';
import { Timestamp } from './wire-time.ts';

// SSE events of GET /v1/sessions/{id}/events (spec §2.5, §9.9): `id:` is the message id (absent
// on heartbeat, paused and resumed), `event:` the name, `data:` one line of JSON.

const MessageText = z.object({ text: z.string(), message_id: z.number().int() });
const Instant = z.object({ timestamp: Timestamp });

/** The `data` of each SSE event. */
export const SSE_EVENT_DATA = {
  step: MessageText.extend({
    /** The tool the agent ran and its arguments (text typed into a sensitive field shows as ••••••). */
    action: z.object({ tool: z.string(), args: z.record(z.string(), z.unknown()) }).optional(),
    url: z.string().optional(),
  }),
  thought: MessageText,
  question: MessageText,
  done: MessageText.extend({ result: z.unknown() }),
  /** `status_code` is the task failure's (`TASK_FAILURES`); 500 when the message has none. */
  error: z.object({ error: z.string(), status_code: z.number().int(), message_id: z.number().int().optional() }),
  log: MessageText,
  user: MessageText,
  paused: Instant,
  resumed: Instant,
  heartbeat: Instant,
} as const satisfies Record<EventType, z.ZodType>;

/** SSE payloads by event name. */
export type SseEventPayloads = { [K in EventType]: z.infer<(typeof SSE_EVENT_DATA)[K]> };

const sseEvent = <K extends EventType>(name: K) =>
  z.object({ event: z.literal(name), id: z.number().int().optional(), data: SSE_EVENT_DATA[name] });

/** One SSE event, `{ event, id?, data }`, discriminated by `event`. */
export const SseEvent = z.discriminatedUnion('event', [
  sseEvent('step'),
  sseEvent('thought'),
  sseEvent('question'),
  sseEvent('done'),
  sseEvent('error'),
  sseEvent('log'),
  sseEvent('user'),
  sseEvent('paused'),
  sseEvent('resumed'),
  sseEvent('heartbeat'),
]);
export type SseEvent = z.infer<typeof SseEvent>;
