import type { MessageResponse, ReplayStepResponse, SessionFileResponse, SessionResponse, SseEvent } from '@steward/protocol';
import { isDemoSession, summaryText, type ReplayFrame, type SessionEvent, type SessionSummary, type StoredFile } from '../sessions/index.ts';
import type { MessageRecord, SessionRecord } from '../domain/index.ts';

/** The one place where domain records become snake_case wire objects. */
export function sessionToWire(
  session: SessionRecord,
  extras: { vncUrl?: string | undefined; agentUrl?: string | undefined; summary?: SessionSummary | undefined } = {},
): SessionResponse {
  const { vncUrl, agentUrl, summary } = extras;
  const wire: SessionResponse = {
    session_id: session.id,
    ...(vncUrl === undefined ? {} : { vnc_url: vncUrl }),
    ...(agentUrl === undefined ? {} : { agent_url: agentUrl }),
    agent_name: session.agentName,
    status: session.status,
    created_at: session.createdAt.toISOString(),
    environment_id: session.environmentId,
  };
  if (session.goal !== null) wire.goal = session.goal;
  const type = session.options['agent_session_type'];
  if (typeof type === 'string') wire.agent_session_type = type;
  if (isDemoSession(session)) wire.demo = true;
  if (summary?.task !== undefined) wire.task = summary.task;
  const last = summary?.lastMessage;
  if (last !== undefined) wire.last_message = { id: last.id, type: last.type, text: summaryText(last.content), timestamp: last.timestamp.toISOString() };
  return wire;
}

export function fileToWire(file: StoredFile): SessionFileResponse {
  return { name: file.name, size: file.size, source: file.source, created_at: file.createdAt.toISOString() };
}

export function replayStepToWire(frame: ReplayFrame): ReplayStepResponse {
  return { step: frame.step, task_id: frame.taskId, task_step: frame.taskStep, url: frame.url, title: frame.title, taken_at: frame.takenAt.toISOString(), bytes: frame.bytes };
}

export function messageToWire(message: MessageRecord): MessageResponse {
  return {
    id: message.id,
    type: message.type,
    content: message.content,
    timestamp: message.timestamp.toISOString(),
    metadata: message.metadata,
  };
}

// Records are immutable once stored and the same objects are served again and again (message
// cache, bus fan-out), so their wire text is computed once per record.
const messageJsonCache = new WeakMap<MessageRecord, string>();
const sseFrameCache = new WeakMap<object, { event: SseEvent['event']; frame: Buffer } | null>();

/** `messageToWire` as JSON text, cached per record. */
export function messageJson(message: MessageRecord): string {
  let json = messageJsonCache.get(message);
  if (json === undefined) {
    json = JSON.stringify(messageToWire(message));
    messageJsonCache.set(message, json);
  }
  return json;
}

/**
 * The SSE frame (`id:`, `event:`, `data:`) of a session event, encoded to bytes once for every
 * subscriber: fan-out then costs one socket write per subscriber and nothing else.
 */
export function sseFrame(event: SessionEvent): { event: SseEvent['event']; frame: Buffer } | undefined {
  const key: object = event.kind === 'message' ? event.message : event;
  let cached = sseFrameCache.get(key);
  if (cached === undefined) {
    const sse = sessionEventToSse(event);
    cached = sse ? { event: sse.event, frame: Buffer.from(encodeSseFrame(sse), 'utf8') } : null;
    sseFrameCache.set(key, cached);
  }
  return cached ?? undefined;
}

export function encodeSseFrame(event: SseEvent): string {
  const id = event.id === undefined ? '' : `id: ${event.id}\n`;
  return `${id}event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

function text(content: MessageRecord['content']): string {
  return typeof content === 'string' ? content : JSON.stringify(content);
}

/** SSE event for a session event (spec §2.5, §9.9), or undefined when it has none. */
export function sessionEventToSse(event: SessionEvent): SseEvent | undefined {
  switch (event.kind) {
    case 'paused':
      return { event: 'paused', data: { timestamp: event.at.toISOString() } };
    case 'resumed':
      return { event: 'resumed', data: { timestamp: event.at.toISOString() } };
    case 'closed':
      return undefined;
    case 'message':
      return messageToSse(event.message);
  }
}

export function messageToSse(message: MessageRecord): SseEvent {
  const id = message.id;
  const base = { text: text(message.content), message_id: id };
  switch (message.type) {
    case 'THOUGHT':
      return { event: 'thought', id, data: base };
    case 'QUESTION':
      return { event: 'question', id, data: base };
    case 'USER':
      return { event: 'user', id, data: base };
    case 'DONE':
      return {
        event: 'done',
        id,
        data: { text: typeof message.content === 'string' ? message.content : 'Task completed', result: message.content, message_id: id },
      };
    case 'ERROR': {
      const code = message.metadata['status_code'];
      return { event: 'error', id, data: { error: text(message.content), status_code: typeof code === 'number' ? code : 500, message_id: id } };
    }
    case 'LOG': {
      const meta = message.metadata;
      if (meta['kind'] === 'step' && !message.internal) {
        const action = meta['action'] as { tool: string; args: Record<string, unknown> } | undefined;
        const url = meta['url'];
        return {
          event: 'step',
          id,
          data: { ...base, ...(action ? { action } : {}), ...(typeof url === 'string' ? { url } : {}) },
        };
      }
      return { event: 'log', id, data: base };
    }
  }
}
