export { delay, errorMessage, isAbortError } from './abort.ts';
export { systemClock, isoTimestamp, type Clock } from './clock.ts';
export { newId, randomToken, isUuid } from './ids.ts';
export { jsonDepth, parseJsonSafe, isPlainObject } from './safe-json.ts';
export { SerialQueue } from './serial-queue.ts';
