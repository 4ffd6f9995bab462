export * from './enums.ts';
export * from './requests.ts';
export * from './files.ts';
export type * from './responses.ts';
