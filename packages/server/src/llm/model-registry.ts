import { createLanguageModel, type LanguageModelOptions } from './create-language-model.ts';
import type { LanguageModel, ModelRegistry } from './port.ts';

export const MAIN_AGENT = 'agi-0';
export const FAST_AGENT = 'agi-0-fast';

export interface ModelRegistryOptions extends LanguageModelOptions {
  /** STEWARD_MODEL; empty or unset means no model is configured. */
  mainSpec?: string | undefined;
  /** STEWARD_FAST_MODEL; falls back to the main model when empty or unset. */
  fastSpec?: string | undefined;
}

/**
 * Builds both models now, so that a bad spec or a missing key stops the server at start-up
 * (throws ModelSpecError). The same spec twice yields one shared model.
 */
export function createModelRegistry(options: ModelRegistryOptions): ModelRegistry {
  const { mainSpec, fastSpec, ...modelOptions } = options;
  const mainText = configured(mainSpec);
  const main = mainText === undefined ? undefined : createLanguageModel(mainText, modelOptions);
  const fastText = configured(fastSpec);
  const fast = fastText === undefined ? main : fastText === main?.spec ? main : createLanguageModel(fastText, modelOptions);
  return new StaticModelRegistry({ [MAIN_AGENT]: main, [FAST_AGENT]: fast });
}

/** A fixed agent-name → model table; also the registry tests hand to the agent with fakes. */
export class StaticModelRegistry implements ModelRegistry {
  readonly #models: ReadonlyMap<string, LanguageModel>;

  constructor(models: Record<string, LanguageModel | undefined>) {
    this.#models = new Map(Object.entries(models).flatMap(([name, model]) => (model === undefined ? [] : [[name, model] as const])));
  }

  forAgent(agentName: string): LanguageModel | undefined {
    return this.#models.get(agentName);
  }
}

function configured(spec: string | undefined): string | undefined {
  const text = spec?.trim();
  return text === undefined || text === '' ? undefined : text;
}
