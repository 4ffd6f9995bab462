export * from './enums.ts';
export * from './requests.ts';
export * from './files.ts';
export * from './payment-tokens.ts';
export * from './approvals.ts';
export type * from './responses.ts';
