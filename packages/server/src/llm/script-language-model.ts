import { pathToFileURL } from 'node:url';
import { errorMessage } from '../util/abort.ts';
import { isPlainObject } from '../util/safe-json.ts';
import { callWithRetries } from './call-with-retries.ts';
import { ModelError, type DecideContext, type DecideRequest, type Decision, type LanguageModel, type ToolCall } from './port.ts';

/** What a `script:` module exports (see docs/script-policies.md). */
export type ScriptDecide = (input: DecideContext & { signal: AbortSignal }) => unknown;

export interface ScriptLanguageModelOptions {
  spec: string;
  /** Absolute path of the ES module. */
  path: string;
  timeoutMs: number;
}

// A script is code, not a flaky network: a failure would fail the same way again.
const ONE_ATTEMPT = { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 };

/**
 * A deterministic policy in an ES module, used for tests, evals and scripted automations. It
 * shares the LanguageModel port so the agent cannot tell it from a language model: it reads
 * `context` instead of `prompt` and returns the Decision directly. The module is imported once,
 * on the first decide, and a failed import fails every later call the same way.
 */
export class ScriptLanguageModel implements LanguageModel {
  readonly spec: string;
  readonly supportsVision = false;
  readonly #options: ScriptLanguageModelOptions;
  #decide: Promise<ScriptDecide> | undefined;

  constructor(options: ScriptLanguageModelOptions) {
    this.spec = options.spec;
    this.#options = options;
  }

  decide(request: DecideRequest): Promise<Decision> {
    return callWithRetries(
      async (signal) => {
        const decide = await this.#load();
        let returned: unknown;
        try {
          returned = await decide({ ...request.context, signal });
        } catch (error) {
          if (signal.aborted) throw signal.reason;
          throw new ModelError(`Script policy ${this.#options.path} threw: ${errorMessage(error)}`, { cause: error });
        }
        return validateDecision(returned, this.#options.path);
      },
      {
        signal: request.signal,
        timeoutMs: request.timeoutMs ?? this.#options.timeoutMs,
        policy: ONE_ATTEMPT,
        classify: (error) => ({ retryable: false, reason: errorMessage(error) }),
        label: `Script policy error (${this.spec})`,
      },
    ).catch((error: unknown) => {
      // callWithRetries prefixes its label; a ModelError from the script already says what failed.
      if (error instanceof ModelError && error.cause instanceof ModelError) throw error.cause;
      throw error;
    });
  }

  #load(): Promise<ScriptDecide> {
    this.#decide ??= importDecide(this.#options.path);
    return this.#decide;
  }
}

async function importDecide(path: string): Promise<ScriptDecide> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ModelError(`Script policy ${path} could not be loaded: ${errorMessage(error)}`, { cause: error });
  }
  const decide = module['decide'];
  if (typeof decide !== 'function') {
    throw new ModelError(`Script policy ${path} does not export a function named "decide" (export async function decide({ task, observation, step, history, signal }) { ... })`);
  }
  return decide as ScriptDecide;
}

function validateDecision(value: unknown, path: string): Decision {
  const bad = (problem: string): ModelError => new ModelError(`Script policy ${path} returned an invalid decision: ${problem}`);
  if (!isPlainObject(value)) throw bad(`expected an object { thought?, actions }, got ${describe(value)}`);
  const { thought, actions } = value;
  if (thought !== undefined && typeof thought !== 'string') throw bad(`"thought" must be a string, got ${describe(thought)}`);
  if (!Array.isArray(actions)) throw bad(`"actions" must be an array, got ${describe(actions)}`);
  const calls = actions.map((action: unknown, index): ToolCall => {
    if (!isPlainObject(action)) throw bad(`actions[${index}] must be an object { tool, args? }, got ${describe(action)}`);
    const { tool, args } = action;
    if (typeof tool !== 'string' || tool === '') throw bad(`actions[${index}].tool must be a non-empty string, got ${describe(tool)}`);
    if (args !== undefined && !isPlainObject(args)) throw bad(`actions[${index}].args must be an object, got ${describe(args)}`);
    return { tool, args: args ?? {} };
  });
  return thought === undefined ? { actions: calls } : { thought, actions: calls };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}
