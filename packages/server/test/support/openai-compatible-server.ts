import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One tool call the fake model makes; a string `arguments` is sent verbatim (use it for malformed JSON). */
export interface CannedToolCall {
  name: string;
  arguments: Record<string, unknown> | string;
}

export interface CannedUsage {
  promptTokens: number;
  completionTokens: number;
}

interface CannedTiming {
  /** Wait this long before answering (the timer stops if the client goes away or the server closes). */
  delayMs?: number;
}

export type CannedResponse = CannedTiming &
  (
    | { kind: 'tool-calls'; calls: CannedToolCall[]; text?: string; usage?: CannedUsage }
    | { kind: 'text'; text: string; usage?: CannedUsage }
    | { kind: 'http-error'; status: number; message?: string; headers?: Record<string, string> }
  );

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (what the AI SDK sent: model, messages, tools, tool_choice, ...). */
  body: any;
}

export interface OpenAiCompatibleServer {
  /** Base URL to put after '@' in an `openai-compatible:` spec; ends in `/v1`. */
  baseUrl: string;
  /** Every request received, in order, recorded before any delay. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface OpenAiCompatibleServerOptions {
  /** Model ids GET /v1/models lists (OpenAI's shape); without them that route answers 404. */
  models?: readonly string[];
}

/**
 * A loopback stand-in for an OpenAI-compatible chat server. It answers
 * POST /v1/chat/completions (non-streaming) with the canned responses in order; once they run
 * out it answers 400 with a message saying so, which the model layer does not retry.
 */
export async function startOpenAiCompatibleServer(script: readonly CannedResponse[], options: OpenAiCompatibleServerOptions = {}): Promise<OpenAiCompatibleServer> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let next = 0;

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      body = raw;
    }
    const path = req.url ?? '';
    requests.push({ method: req.method ?? '', path, headers: req.headers, body });
    if (req.method === 'GET' && path === '/v1/models' && options.models !== undefined) {
      sendJson(res, 200, { object: 'list', data: options.models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'test' })) });
      return;
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      sendJson(res, 404, errorBody(`test server: no route ${req.method} ${path}`));
      return;
    }
    if (isObject(body) && body['stream'] === true) {
      sendJson(res, 400, errorBody('test server: streaming is not implemented'));
      return;
    }
    const index = next++;
    const canned = script[index];
    if (canned === undefined) {
      sendJson(res, 400, errorBody(`test server: script exhausted after ${script.length} responses`));
      return;
    }
    const model = isObject(body) && typeof body['model'] === 'string' ? body['model'] : 'unknown';
    if (canned.delayMs !== undefined && canned.delayMs > 0) {
      const waited = await wait(canned.delayMs, req);
      if (!waited) return;
    }
    answer(res, canned, model, index);
  }

  function wait(ms: number, req: IncomingMessage): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        req.socket.off('close', onClose);
        resolve(true);
      }, ms);
      const onClose = (): void => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve(false);
      };
      timers.add(timer);
      req.socket.once('close', onClose);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function answer(res: ServerResponse, canned: CannedResponse, model: string, index: number): void {
  if (canned.kind === 'http-error') {
    sendJson(res, canned.status, errorBody(canned.message ?? `test server: canned HTTP ${canned.status}`), canned.headers);
    return;
  }
  const toolCalls =
    canned.kind === 'tool-calls'
      ? canned.calls.map((call, i) => ({
          id: `call_${index}_${i}`,
          type: 'function',
          function: {
            name: call.name,
            arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
          },
        }))
      : undefined;
  const usage = canned.usage ?? { promptTokens: 0, completionTokens: 0 };
  sendJson(res, 200, {
    id: `chatcmpl-test-${index}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: canned.text ?? null, ...(toolCalls === undefined ? {} : { tool_calls: toolCalls }) },
        finish_reason: toolCalls === undefined ? 'stop' : 'tool_calls',
      },
    ],
    usage: {
      prompt_tokens: usage.promptTokens,
      completion_tokens: usage.completionTokens,
      total_tokens: usage.promptTokens + usage.completionTokens,
    },
  });
}

function errorBody(message: string): unknown {
  return { error: { message, type: 'test_server_error', code: null } };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
