import { InMemoryStore } from '../../src/store/memory/in-memory-store.ts';
import { runPaymentStoreContract } from './payment-store-contract.ts';
import { runStoreContract } from './store-contract.ts';

runStoreContract('InMemoryStore', async () => new InMemoryStore());
runPaymentStoreContract('InMemoryStore', async () => new InMemoryStore());
