export { ConfigSchema, CONFIG_KEYS, envName, type Config, type ConfigKey } from './config.ts';
export { loadConfig, ConfigError } from './load-config.ts';
