import { InMemoryStore } from '../../src/store/memory/in-memory-store.ts';
import { runStoreContract } from './store-contract.ts';

runStoreContract('InMemoryStore', async () => new InMemoryStore());
