export type { ListMessagesOptions, Store } from './port.ts';
export type { PaymentStore } from './payment-store.ts';
export type { ClusterStore } from './cluster-store.ts';
export { StoreError, StoreUnavailableError, UnknownSessionError } from './store-error.ts';
export { isSealed, SecretBoxError, type SecretBox } from './secrets/secret-box.ts';
