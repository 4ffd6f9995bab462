import { join } from 'node:path';
import { REPO_ROOT } from './steward-process.ts';

/** STEWARD_MODEL that runs the oracle policy shipped beside the tasks. */
export const ORACLE_MODEL = `script:${join(REPO_ROOT, 'eval/oracle/oracle-policy.mjs')}`;
