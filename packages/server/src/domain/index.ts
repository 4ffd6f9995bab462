// The records the server's layers pass between them: sessions, messages, keys, payment tokens,
// approvals, leases. Plain types with no behaviour and no imports but the protocol, so the HTTP
// edge and the agent can name them without depending on the store that keeps them.
export type * from './records.ts';
export type * from './payment-records.ts';
