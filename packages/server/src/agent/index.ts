export { runAgentTask, compileOutputSchema, InvalidOutputSchemaError, type AgentOutcome, type AgentTaskInput } from './agent-loop.ts';
export { AGENT_PROFILES, profileFor, type AgentProfile } from './profiles.ts';
export type { AgentHost, AgentRecord } from './agent-host.ts';
export { AGENT_TOOLS, toolSpecs } from './tools/index.ts';
export { classifyIntent, IntentClassifierError, SCREENING_VERDICT_TOOL, type ClassifyIntentInput, type IntentClassification } from './intent-classifier.ts';
export type { PaymentStep, PaymentTokenFacts, TaskPayments } from './task-payments.ts';
export type { ApprovalOutcome } from './agent-host.ts';
export { ActionGate, type ActionGateOptions, type GateDecision } from './action-gate.ts';
export { costStop, failuresStop, firstStop, noActionStop, stuckStop, type LoopState, type StopCondition } from './stop-conditions.ts';
