export type { NewReplayFrame, ReplayFrame, ReplayLimits, ReplayStore } from './port.ts';
