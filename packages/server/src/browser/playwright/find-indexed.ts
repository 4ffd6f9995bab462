import type { RegistryDescription } from './observe-page.ts';

/**
 * Runs INSIDE the page (or frame): resolves an index from the registry of `observe-page.ts` to a
 * live element and makes its `data-steward-idx` attribute unique again (a page may have copied or
 * removed it), so the Playwright locator built from it hits exactly the registered element.
 * Playwright's CSS locators pierce open shadow roots, so an element inside one needs nothing more.
 * Returns the chain of `data-steward-frame` ids to enter when the element lives in a frame.
 */
export type FindResult<I = never> =
  | { found: false }
  | { found: true; framePath: string[]; description: RegistryDescription; inspected?: I | Promise<I> };

export interface FindArgs {
  index: number;
  /** The registry the index came from; another document's registry does not count. */
  docId?: string | undefined;
  /** The argument of `inspect`, when one is given. */
  inspectArg?: unknown;
}

/** With `inspect`, the answer carries what it said of the element (awaited by the caller's evaluate). */
export function findIndexed(args: FindArgs, inspect?: (node: Element, arg: unknown) => unknown): FindResult<unknown> | Promise<FindResult<unknown>> {
  type Registry = {
    byIndex: Map<number, WeakRef<Element>>;
    described: Map<number, RegistryDescription>;
    nextFrame: number;
    docId: string;
  };
  const { index } = args;
  const registry = (window as unknown as Record<symbol, Registry | undefined>)[Symbol.for('steward.registry')];
  if (registry === undefined || (args.docId !== undefined && registry.docId !== args.docId)) return { found: false };
  const element = registry.byIndex.get(index)?.deref();
  const description = registry.described.get(index);
  if (element === undefined || description === undefined || !element.isConnected) {
    return { found: false };
  }
  const value = String(index);
  const scopes = new Set<Document | ShadowRoot>([element.ownerDocument, element.getRootNode() as Document | ShadowRoot]);
  for (const scope of scopes) {
    for (const other of Array.from(scope.querySelectorAll(`[data-steward-idx="${value}"]`))) {
      if (other !== element) other.removeAttribute('data-steward-idx');
    }
  }
  element.setAttribute('data-steward-idx', value);

  const framePath: string[] = [];
  let view = element.ownerDocument.defaultView;
  while (view !== null && view !== window) {
    const frame = view.frameElement;
    if (frame === null) return { found: false };
    let id = frame.getAttribute('data-steward-frame');
    if (id === null) {
      id = String(registry.nextFrame++);
      frame.setAttribute('data-steward-frame', id);
    }
    framePath.unshift(id);
    view = frame.ownerDocument.defaultView;
  }
  if (inspect === undefined) return { found: true, framePath, description };
  return Promise.resolve(inspect(element, args.inspectArg)).then((inspected) => ({ found: true, framePath, description, inspected }));
}
