export { runAgentTask, compileOutputSchema, InvalidOutputSchemaError, type AgentOutcome, type AgentTaskInput } from './agent-loop.ts';
export { AGENT_PROFILES, profileFor, type AgentProfile } from './profiles.ts';
export type { AgentHost, AgentRecord } from './agent-host.ts';
export { AGENT_TOOLS, toolSpecs } from './tools/index.ts';
