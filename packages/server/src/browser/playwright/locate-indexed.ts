import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';
import { findIndexed } from './find-indexed.ts';
import type { FrameIndices } from './frame-indices.ts';
import type { RegistryDescription } from './observe-page.ts';
import { runInPage } from './run-in-page.ts';

/**
 * A locator for the element an observation gave `index`: in the page (its documents, shadow
 * roots and same-origin frames) or, for an index `frameIndices` knows, in that cross-origin frame.
 * Undefined when the element is gone or the index belongs to a document no longer shown.
 */
export async function locateIndexed(
  page: Page,
  frameIndices: FrameIndices,
  index: number,
): Promise<{ locator: Locator; description: RegistryDescription } | undefined> {
  const inFrame = frameIndices.lookup(index);
  if (inFrame !== undefined && inFrame.frame.isDetached()) return undefined;
  const root: Page | Frame = inFrame?.frame ?? page;
  const found = await runInPage(root, findIndexed, inFrame === undefined ? { index } : { index: inFrame.local, docId: inFrame.docId });
  if (!found.found) return undefined;
  let scope: Page | Frame | FrameLocator = root;
  for (const frameId of found.framePath) {
    scope = scope.locator(`[data-steward-frame="${frameId}"]`).contentFrame();
  }
  const local = inFrame?.local ?? index;
  return { locator: scope.locator(`[data-steward-idx="${local}"]`).first(), description: found.description };
}
