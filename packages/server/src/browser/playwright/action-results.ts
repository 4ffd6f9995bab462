import type { ActionResult } from '../port.ts';
import type { RegistryDescription } from './observe-page.ts';

/** How an element is named in results: "button 'Submit'", or its role when it has no name. */
export function describeElement(description: RegistryDescription): string {
  const { role, name } = description;
  return name === '' ? role : `${role} '${name}'`;
}

export function missingElement(index: number): ActionResult {
  return failure(`No element with index ${index}; observe the page again`);
}

export function failure(message: string, pageChanged = false): ActionResult {
  return { ok: false, message, pageChanged };
}

/** Rejects with a readable error when `promise` takes longer than `ms`: for Playwright calls without a timeout option. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  promise.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
