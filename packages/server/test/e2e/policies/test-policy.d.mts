// Types for the tests that import from the policy module (the server loads it as plain JS).
/** The password the `secret` command types. */
export declare const TYPED_SECRET: string;
export declare function decide(context: Record<string, unknown>): Promise<unknown>;
