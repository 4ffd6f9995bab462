import type { BrowserPool } from '../port.ts';
import { StepDrivenScreen } from './step-driven-screen.ts';

/**
 * The pool, plus desktop sessions: an acquire with `clientScreen` gets the client's screen and
 * costs no browser; everything else goes to `pool`.
 */
export function withClientScreens(pool: BrowserPool): BrowserPool {
  return {
    start: () => pool.start(),
    acquire: async (options) => (options.clientScreen === true ? new StepDrivenScreen(options.sessionId) : pool.acquire(options)),
    stats: () => pool.stats(),
    close: () => pool.close(),
  };
}
