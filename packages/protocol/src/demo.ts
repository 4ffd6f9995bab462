import { z } from 'zod';

/**
 * `POST /v1/demo/sessions` (Steward extension): starts the bundled demo, a session whose task
 * Steward's scripted demo policy (not a language model) runs on the demo shop Steward serves
 * itself. Nothing is chosen by the client: the task, the policy and the site are fixed, so any
 * field is refused rather than ignored. The body may be left out.
 */
export const CreateDemoSessionRequest = z.strictObject({});
export type CreateDemoSessionRequest = z.infer<typeof CreateDemoSessionRequest>;
