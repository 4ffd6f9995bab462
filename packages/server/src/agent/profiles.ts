/**
 * What distinguishes `agi-0` from `agi-0-fast`, as data (documented in the README): how much
 * history and page the model sees, how many actions it may take per step, and its patience.
 */
export interface AgentProfile {
  /** Recent actions shown in full in the prompt; older ones are summarised. */
  historyWindow: number;
  /** Actions taken from one decision at most (the rest are dropped). */
  maxActionsPerStep: number;
  /** Attach a screenshot of the page when the model supports images. */
  vision: boolean;
  /** The same action on the same page this many times adds a warning to its result… */
  repeatWarnAt: number;
  /** …and this many times ends the task as stuck. */
  repeatFailAt: number;
  /** The most of an observation the model is shown (the browser caps at 150 elements, 6,000 chars). */
  observation: { maxElements: number; maxTextChars: number };
}

export const AGENT_PROFILES: Readonly<Record<string, AgentProfile>> = {
  'agi-0': { historyWindow: 12, maxActionsPerStep: 6, vision: true, repeatWarnAt: 3, repeatFailAt: 6, observation: { maxElements: 150, maxTextChars: 6_000 } },
  'agi-0-fast': { historyWindow: 6, maxActionsPerStep: 10, vision: false, repeatWarnAt: 3, repeatFailAt: 5, observation: { maxElements: 60, maxTextChars: 2_500 } },
};

export function profileFor(agentName: string): AgentProfile {
  return AGENT_PROFILES[agentName] ?? AGENT_PROFILES['agi-0']!;
}
