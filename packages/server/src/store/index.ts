export type { Store } from './port.ts';
export type * from './records.ts';
export { StoreError, UnknownSessionError } from './store-error.ts';
