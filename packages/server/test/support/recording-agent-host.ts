import type { AgentHost, AgentRecord } from '../../src/agent/agent-host.ts';

/** An `AgentHost` that keeps what the agent recorded and asked, for tests that run the loop on its own. */
export interface RecordingAgentHost extends AgentHost {
  readonly records: AgentRecord[];
  readonly questions: string[];
}

/**
 * The agent loop's host without a session: THOUGHT and LOG records and questions are kept in
 * arrays. `answer` answers every question (without it a question fails the test); an approval
 * always fails the test, since tests of the gate use doubles of their own.
 */
export function recordingAgentHost(options: { answer?: string } = {}): RecordingAgentHost {
  const records: AgentRecord[] = [];
  const questions: string[] = [];
  return {
    records,
    questions,
    record: async (entry) => void records.push(entry),
    takeUpdates: () => [],
    ask: async (question) => {
      questions.push(question);
      if (options.answer === undefined) throw new Error(`this test asks no questions, but the agent asked: ${question}`);
      return options.answer;
    },
    checkpoint: async () => undefined,
    approve: async () => {
      throw new Error('this test asks for no approval');
    },
  };
}
