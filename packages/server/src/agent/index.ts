export { runAgentTask, type AgentOutcome, type AgentTaskInput } from './agent-loop.ts';
export type { AgentHost, AgentRecord } from './agent-host.ts';
export { AGENT_TOOLS, toolSpecs } from './tools/index.ts';
