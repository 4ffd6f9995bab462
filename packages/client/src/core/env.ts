/** An environment variable where there is a `process` (Node, Bun, Deno's compat); undefined in browsers. */
export function readEnv(name: string): string | undefined {
  const process = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const value = process?.env?.[name]?.trim();
  return value === '' ? undefined : value;
}

/** A random id for `X-Request-Id`; `crypto.randomUUID` exists in Node 20, browsers (secure contexts) and edge runtimes. */
export function newRequestId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (crypto?.randomUUID) return `req_${crypto.randomUUID().replace(/-/g, '')}`;
  return `req_${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
}
