import type { Frame, Page } from 'playwright-core';

/**
 * Evaluates a self-contained function in the page's main world with a JSON argument.
 * The function travels as source text; the `__name` shim covers helpers some TypeScript
 * transpilers insert to keep function names, which do not exist in the page.
 */
export function runInPage<A, R>(target: Page | Frame, fn: (arg: A) => R, arg: A): Promise<R> {
  const source = `(() => { const __name = (f) => f; return (${fn.toString()})(${JSON.stringify(arg)}); })()`;
  return target.evaluate(source) as Promise<R>;
}
