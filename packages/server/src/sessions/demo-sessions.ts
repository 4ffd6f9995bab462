import type { AcquireOptions } from '../browser/port.ts';
import type { LanguageModel } from '../llm/port.ts';
import type { SessionRecord } from '../domain/index.ts';

/** The session option that marks a demo session; kept with its options, so it survives a restart. */
export const DEMO_OPTION = 'demo';

/** Room for the demo policy's seven steps and a retry or two; a runaway script stops early. */
export const DEMO_MAX_STEPS = 20;

/** The bundled demo site as sessions use it: started by the first demo, its origin once it listens. */
export interface DemoSite {
  /** Starts listening if it does not yet; resolves with the origin (`http://127.0.0.1:<port>`). */
  start(): Promise<string>;
  /** The origin while it listens, else undefined. */
  origin(): string | undefined;
}

/**
 * What a demo session is made of (`POST /v1/demo/sessions`, composed in compose.ts): the
 * scripted policy that runs it instead of the configured model, the task it starts with, and the
 * site that task runs on, at `startPath`.
 */
export interface DemoKit {
  model: LanguageModel;
  task: string;
  startPath: string;
  site: DemoSite;
}

export function isDemoSession(record: SessionRecord): boolean {
  return record.options[DEMO_OPTION] === true;
}

/**
 * A demo session's egress: the demo site's `ip:port` and nothing else (not the API beside it, not
 * what the operator's list allows), let through the address rules for this session alone. Every
 * other session still meets the operator's policy, which refuses loopback by default. Without a
 * listening site (a restart that could not start it) the session may reach nothing at all:
 * `invalid` is a reserved name that never resolves (RFC 2606).
 */
export function demoEgress(origin: string | undefined): NonNullable<AcquireOptions['egress']> {
  if (origin === undefined) return { allowDomains: ['invalid'] };
  return { onlyAddress: new URL(origin).host };
}
