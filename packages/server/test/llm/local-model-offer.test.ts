import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { localModelOffer } from '../../src/llm/local-model-offer.ts';
import { parseModelSpec } from '../../src/llm/model-spec.ts';

const OLLAMA = 'http://127.0.0.1:11434/v1';

/** What a POSIX shell sets STEWARD_MODEL to when it runs the command's assignment. */
function shellValue(command: string): string {
  const assignment = command.replace(/ npm start$/, '');
  const result = spawnSync('/bin/sh', ['-c', `${assignment} printenv STEWARD_MODEL`], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } });
  return result.stdout.replace(/\n$/, '');
}

describe('localModelOffer', () => {
  it('names the server, its models and the exact command that uses the first one', () => {
    const offer = localModelOffer({ baseUrl: OLLAMA, models: ['llama3.2:latest', 'qwen2.5:7b'] });
    expect(offer.spec).toBe('openai-compatible:llama3.2:latest@http://127.0.0.1:11434/v1');
    expect(offer.command).toBe('STEWARD_MODEL=openai-compatible:llama3.2:latest@http://127.0.0.1:11434/v1 npm start');
    expect(offer.text).toBe(
      'Found an OpenAI-compatible server at http://127.0.0.1:11434/v1 with models: llama3.2:latest, qwen2.5:7b. To use it, start Steward with:\n' +
        '  STEWARD_MODEL=openai-compatible:llama3.2:latest@http://127.0.0.1:11434/v1 npm start\n',
    );
    expect(parseModelSpec(offer.spec!)).toEqual({ provider: 'openai-compatible', model: 'llama3.2:latest', baseUrl: OLLAMA });
    expect(shellValue(offer.command!)).toBe(offer.spec);
  });

  it('passes over embedding models when another one is listed', () => {
    expect(localModelOffer({ baseUrl: OLLAMA, models: ['nomic-embed-text:latest', 'llama3.2:latest'] }).spec).toBe(`openai-compatible:llama3.2:latest@${OLLAMA}`);
    expect(localModelOffer({ baseUrl: OLLAMA, models: ['nomic-embed-text:latest'] }).spec).toBe(`openai-compatible:nomic-embed-text:latest@${OLLAMA}`);
  });

  it('quotes a model id the shell would otherwise change, so the command still sets the spec', () => {
    for (const model of ['org/model~v2', "it's$HOME", 'a;b&c', 'Qwen/Qwen2.5-7B-Instruct']) {
      const offer = localModelOffer({ baseUrl: 'http://127.0.0.1:8000/v1', models: [model] });
      expect(shellValue(offer.command!)).toBe(offer.spec);
      expect(parseModelSpec(offer.spec!)).toMatchObject({ model });
    }
    expect(localModelOffer({ baseUrl: 'http://127.0.0.1:8000/v1', models: ['Qwen/Qwen2.5-7B-Instruct'] }).command).toBe(
      'STEWARD_MODEL=openai-compatible:Qwen/Qwen2.5-7B-Instruct@http://127.0.0.1:8000/v1 npm start',
    );
  });

  it('lists at most eight models and counts the rest', () => {
    const models = Array.from({ length: 11 }, (_, i) => `m${i}`);
    expect(localModelOffer({ baseUrl: OLLAMA, models }).text).toContain('with models: m0, m1, m2, m3, m4, m5, m6, m7 and 3 more. To use it');
  });

  it('says so when the server lists no models, and offers no command', () => {
    const offer = localModelOffer({ baseUrl: OLLAMA, models: [] });
    expect(offer).toMatchObject({ spec: undefined, command: undefined });
    expect(offer.text).toBe('Found an OpenAI-compatible server at http://127.0.0.1:11434/v1, but it lists no models; load or pull one, then restart Steward.\n');
  });
});
