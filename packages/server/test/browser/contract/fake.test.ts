import { FakeBrowserPool } from '../../../src/browser/fake/fake-browser-pool.ts';
import { describeSessionBrowserContract } from './session-browser-contract.ts';

// The fake, which every unit test of the layers above the browser stands on, held to the port's contract.
const pool = new FakeBrowserPool();
let count = 0;
describeSessionBrowserContract('fake', () => ({
  open: () => pool.acquire({ sessionId: `contract-${++count}` }),
  pageUrl: () => 'http://contract.test/page.html',
}));
