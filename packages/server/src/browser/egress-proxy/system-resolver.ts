import { lookup } from 'node:dns/promises';
import type { EgressResolver } from '../../safety/check-destination.ts';

/** Every address the system resolver returns for `host`, in its order. */
export const systemResolver: EgressResolver = async (host, { signal }) => {
  signal.throwIfAborted();
  const answers = lookup(host, { all: true, verbatim: true });
  // getaddrinfo cannot be cancelled; the caller stops waiting and the answer is dropped.
  const aborted = new Promise<never>((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  answers.catch(() => undefined);
  aborted.catch(() => undefined);
  const found = await Promise.race([answers, aborted]);
  return found.map((entry) => entry.address);
};
