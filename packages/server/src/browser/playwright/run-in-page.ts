import type { Frame, Page } from 'playwright-core';

type PageFunction = (arg: unknown) => unknown;
const compiled = new Map<string, PageFunction>();

/**
 * Evaluates a self-contained function in the page's main world with a JSON argument.
 * The function travels as source text; the `__name` shim covers helpers some TypeScript
 * transpilers insert to keep function names, which do not exist in the page. Each of `helpers`
 * (a self-contained factory too) is called in the page and its result passed after `arg`, so
 * two page scripts can share one piece of page code without importing it.
 *
 * The argument travels apart from the source, so the source is the same on every call and the
 * page compiles it once (a fresh argument inside the source would cost a full compile each time).
 */
export function runInPage<A, R>(target: Page | Frame, fn: (arg: A) => R, arg: A): Promise<R>;
export function runInPage<A, H, R>(target: Page | Frame, fn: (arg: A, helper: H) => R, arg: A, helper: () => H): Promise<R>;
export function runInPage<A, H, R>(target: Page | Frame, fn: (arg: A, helper: H) => R, arg: A, helper?: () => H): Promise<R> {
  const helperSource = helper === undefined ? '' : `, (${helper.toString()})()`;
  const body = `const __name = (f) => f; return (${fn.toString()})(arg${helperSource});`;
  let pageFunction = compiled.get(body);
  if (pageFunction === undefined) {
    // Never called here: Playwright sends its source text (`function anonymous(arg) {…}`) to the page.
    pageFunction = new Function('arg', body) as PageFunction;
    compiled.set(body, pageFunction);
  }
  return target.evaluate(pageFunction, arg) as Promise<R>;
}
