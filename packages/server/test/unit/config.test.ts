import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, envName, loadConfig } from '../../src/config/index.ts';

describe('loadConfig', () => {
  it('has working defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8080, dataDir: '.steward', sseHeartbeatS: 15, maxSessions: 50 });
    expect(config.model).toBeUndefined();
  });

  it('reads STEWARD_* variables and a JSON file, the environment winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'steward-config-'));
    const file = join(dir, 'steward.json');
    writeFileSync(file, JSON.stringify({ port: 9000, maxSessions: 5 }));
    const config = loadConfig({ STEWARD_CONFIG_FILE: file, STEWARD_PORT: '9100', STEWARD_SESSION_IDLE_TIMEOUT_S: '60' });
    expect(config).toMatchObject({ port: 9100, maxSessions: 5, sessionIdleTimeoutS: 60 });
  });

  it('names the variable of every bad value', () => {
    expect(() => loadConfig({ STEWARD_PORT: 'x', STEWARD_LOG_LEVEL: 'loud' })).toThrowError(ConfigError);
    try {
      loadConfig({ STEWARD_PORT: 'x', STEWARD_LOG_LEVEL: 'loud' });
    } catch (error) {
      expect((error as Error).message).toContain('STEWARD_PORT');
      expect((error as Error).message).toContain('STEWARD_LOG_LEVEL');
    }
  });

  it('maps camelCase keys to upper-snake variables', () => {
    expect(envName('sessionIdleTimeoutS')).toBe('STEWARD_SESSION_IDLE_TIMEOUT_S');
    expect(envName('model')).toBe('STEWARD_MODEL');
  });
});
