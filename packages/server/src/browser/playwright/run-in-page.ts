import type { Frame, Locator, Page } from 'playwright-core';

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
export function runInPage<A, H extends unknown[], R>(
  target: Page | Frame,
  fn: (arg: A, ...helpers: H) => R,
  arg: A,
  ...helpers: { [K in keyof H]: () => H[K] }
): Promise<R> {
  const helperSource = helpers.map((helper) => `, (${helper.toString()})()`).join('');
  const body = `const __name = (f) => f; return (${fn.toString()})(arg${helperSource});`;
  let pageFunction = compiled.get(body);
  if (pageFunction === undefined) {
    // Never called here: Playwright sends its source text (`function anonymous(arg) {…}`) to the page.
    pageFunction = new Function('arg', body) as PageFunction;
    compiled.set(body, pageFunction);
  }
  return target.evaluate(pageFunction, arg) as Promise<R>;
}

/**
 * `locator.evaluate` for a self-contained function of the element and a JSON argument, with the
 * same `__name` shim as `runInPage`: a function with inner helpers fails in the page without it
 * under tsx (which keeps names), though not under vitest's transform.
 */
export function runOnElement<A, R>(locator: Locator, fn: (node: Element, arg: A) => R, arg: A, timeoutMs: number): Promise<Awaited<R>> {
  const source = `const __name = (f) => f; return (${fn.toString()})(node, arg);`;
  let pageFunction = compiledOnElement.get(source);
  if (pageFunction === undefined) {
    pageFunction = new Function('node', 'arg', source) as ElementFunction;
    compiledOnElement.set(source, pageFunction);
  }
  return locator.evaluate(pageFunction, arg as unknown, { timeout: timeoutMs }) as Promise<Awaited<R>>;
}

/**
 * A factory, for `runInPage`'s `helper`, whose source holds `fn` itself: `() => fn` would send
 * only the name. `fn` must be self-contained, as every page function is.
 */
export function pageFactoryOf<F extends (...args: never[]) => unknown>(fn: F): () => F {
  let factory = factories.get(fn);
  if (factory === undefined) {
    // Never called here: its source text goes to the page, where it returns `fn`.
    factory = new Function(`return (${fn.toString()});`) as () => unknown;
    factories.set(fn, factory);
  }
  return factory as () => F;
}
const factories = new Map<unknown, () => unknown>();

type ElementFunction = (node: Element, arg: unknown) => unknown;
const compiledOnElement = new Map<string, ElementFunction>();
