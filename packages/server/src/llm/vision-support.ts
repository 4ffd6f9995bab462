import type { ModelSpec } from './model-spec.ts';
import { optionalEnv, type ModelEnv } from './provider-env.ts';

// Text-only members of otherwise multimodal families; everything else in these families takes images.
const OPENAI_VISION = /^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-4-turbo|gpt-5|o1(?!-mini)|o3(?!-mini)|o4|computer-use)/;
const ANTHROPIC_TEXT_ONLY = /^claude-(instant|2)/;

/**
 * Whether a model gets screenshots. Known families are recognised by name; an OpenAI-compatible
 * server's model is unknown, so it is text-only unless STEWARD_OPENAI_COMPATIBLE_VISION is `true`/`1`.
 */
export function supportsVisionByDefault(spec: ModelSpec, env: ModelEnv): boolean {
  switch (spec.provider) {
    case 'openai':
      return OPENAI_VISION.test(spec.model);
    case 'anthropic':
      return !ANTHROPIC_TEXT_ONLY.test(spec.model);
    case 'google':
      return spec.model.startsWith('gemini');
    case 'openai-compatible': {
      const flag = optionalEnv(env, 'STEWARD_OPENAI_COMPATIBLE_VISION')?.toLowerCase();
      return flag === 'true' || flag === '1';
    }
    case 'script':
      return false;
  }
}
