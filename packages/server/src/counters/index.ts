export type { WindowCount, WindowCounters } from './window-counters.ts';
