import { fileURLToPath } from 'node:url';

/**
 * What a demo session runs: its task, the first message of the session, which says what it is
 * before anything happens, and the scripted policy that carries it out (`demo-policy.mjs` reads
 * the genre, the price limit, the name and the email from this text).
 */
export const DEMO_TASK =
  "Scripted demo (Steward's bundled demo policy, not a language model): in the Larkspur Books demo shop, find the three best-rated science fiction books under $20, " +
  'add the best one to the cart, fill in the delivery details for Ada Lovelace (ada@example.com) with standard delivery, and report the shortlist and the cart total. ' +
  'Do not place the order.';

/** The `script:` module every demo session runs, whatever STEWARD_MODEL says. */
export const DEMO_POLICY_PATH = fileURLToPath(new URL('./demo-policy.mjs', import.meta.url));

/** The page the demo task starts on. */
export const DEMO_START_PATH = '/';
