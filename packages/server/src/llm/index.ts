export {
  ModelError,
  type DecideContext,
  type DecideRequest,
  type Decision,
  type HistoryEntry,
  type LanguageModel,
  type ModelRegistry,
  type PromptMessage,
  type ScreeningRequest,
  type ToolCall,
  type ToolSpec,
} from './port.ts';
export { MODEL_PROVIDERS, ModelSpecError, formatModelSpec, parseModelSpec, type ModelProvider, type ModelSpec } from './model-spec.ts';
export { DEFAULT_MODEL_TIMEOUT_MS, createLanguageModel, type LanguageModelOptions } from './create-language-model.ts';
export { FAST_AGENT, MAIN_AGENT, StaticModelRegistry, createModelRegistry, type ModelRegistryOptions } from './model-registry.ts';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './call-with-retries.ts';
export type { ToolChoiceMode } from './ai-sdk-language-model.ts';
export type { ModelEnv } from './provider-env.ts';
export type { ScriptDecide } from './script-language-model.ts';
