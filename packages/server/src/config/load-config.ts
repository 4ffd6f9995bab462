import { readFileSync } from 'node:fs';
import { CONFIG_KEYS, ConfigSchema, envName, type Config } from './config.ts';

export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/**
 * Reads settings from `env` (and the JSON file named by `STEWARD_CONFIG_FILE`), validates them
 * against the one schema and explains every bad value by its variable name.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const raw: Record<string, unknown> = {};
  const file = env['STEWARD_CONFIG_FILE'];
  if (file !== undefined && file !== '') {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`Cannot read STEWARD_CONFIG_FILE ${file}`, { cause: error });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`STEWARD_CONFIG_FILE ${file} is not valid JSON`, { cause: error });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(`STEWARD_CONFIG_FILE ${file} must hold a JSON object`);
    }
    Object.assign(raw, parsed);
  }
  for (const key of CONFIG_KEYS) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = issue.path[0];
      const name = typeof key === 'string' && (CONFIG_KEYS as string[]).includes(key) ? envName(key as keyof Config) : String(key);
      return `${name}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return result.data;
}

