import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { findIndexed, type FindResult } from './find-indexed.ts';
import type { ElementInspection } from './action-host.ts';
import type { FrameIndices } from './frame-indices.ts';
import type { RegistryDescription } from './observe-page.ts';
import { pageFactoryOf, runInPage } from './run-in-page.ts';

/**
 * A locator for the element an observation gave `index`: in the page (its documents, shadow
 * roots and same-origin frames) or, for an index `frameIndices` knows, in that cross-origin frame.
 * Undefined when the element is gone or the index belongs to a document no longer shown.
 */
export async function locateIndexed<A, R>(
  page: Page,
  frameIndices: FrameIndices,
  index: number,
  inspection?: ElementInspection<A, R>,
): Promise<{ locator: Locator; description: RegistryDescription; inspected?: Awaited<R> } | undefined> {
  const inFrame = frameIndices.lookup(index);
  if (inFrame !== undefined && inFrame.frame.isDetached()) return undefined;
  const root: Page | Frame = inFrame?.frame ?? page;
  const target = inFrame === undefined ? { index } : { index: inFrame.local, docId: inFrame.docId };
  const found =
    inspection === undefined
      ? await runInPage(root, findIndexed, target)
      : ((await runInPage(root, findIndexed, { ...target, inspectArg: inspection.arg }, pageFactoryOf(inspection.inspect as (node: Element, arg: unknown) => unknown))) as FindResult<Awaited<R>>);
  if (!found.found) return undefined;
  let scope: Page | Frame | FrameLocator = root;
  for (const frameId of found.framePath) {
    scope = scope.locator(`[data-steward-frame="${frameId}"]`).contentFrame();
  }
  const local = inFrame?.local ?? index;
  const locator = scope.locator(`[data-steward-idx="${local}"]`).first();
  return 'inspected' in found ? { locator, description: found.description, inspected: found.inspected as Awaited<R> } : { locator, description: found.description };
}
