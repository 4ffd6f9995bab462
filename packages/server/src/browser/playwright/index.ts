export {
  createPlaywrightBrowserPool,
  type BrowserIsolation,
  type PlaywrightBrowserPool,
  type PlaywrightBrowserPoolOptions,
  type PlaywrightBrowserPoolStats,
  type PoolLogger,
} from './create-playwright-browser-pool.ts';
export { READ_TEXT_PAGE_CHARS } from './perform-action.ts';
