export type { Store } from './port.ts';
export type * from './records.ts';
export { StoreError, UnknownSessionError } from './store-error.ts';
export { isSealed, SecretBoxError, type SecretBox } from './secrets/secret-box.ts';
