import type { FileChooser } from 'playwright-core';
import type { ActionResult } from '../port.ts';
import type { ActionHost } from './action-host.ts';
import { describeElement, failure, missingElement } from './action-results.ts';

interface FileTarget {
  /** The element is a file input, or a label of one. */
  isFileInput: boolean;
  multiple: boolean;
}

/**
 * Puts session files into a file input: directly when the element is one (or labels one, even
 * a hidden one), otherwise through the file chooser that clicking the element opens (a button in
 * front of a hidden input). The files come from the session's own folder only, by name.
 */
export async function uploadAction(host: ActionHost, index: number, names: string[], signal: AbortSignal | undefined): Promise<ActionResult> {
  const files = host.sessionFiles;
  if (files === undefined) return failure('This session has no files to upload');
  const paths: string[] = [];
  for (const name of names) {
    const path = await files.pathOf(name);
    if (path === undefined) {
      const available = await files.names();
      return failure(
        `The session has no file named '${name}'; ${available.length === 0 ? 'it has no files' : `its files are: ${available.slice(0, 30).join(', ')}`}`,
      );
    }
    paths.push(path);
  }
  const el = await host.locate(index);
  if (el === undefined) return missingElement(index);
  const name = describeElement(el.description);
  if (el.description.disabled) return failure(`Element ${index} (${name}) is disabled`);
  const target = await el.locator.evaluate(
    (node): FileTarget => {
      const control = node.tagName === 'LABEL' ? ((node as HTMLLabelElement).control ?? node) : node;
      if (control.tagName === 'INPUT' && (control as HTMLInputElement).type === 'file') {
        const input = control as HTMLInputElement;
        return { isFileInput: true, multiple: input.multiple };
      }
      return { isFileInput: false, multiple: false };
    },
    undefined,
    { timeout: host.actionTimeoutMs },
  );
  const chosen = names.join(', ');
  if (target.isFileInput) {
    if (paths.length > 1 && !target.multiple) return failure(`${capitalize(name)} takes one file, not ${paths.length}`);
    const outcome = await host.watch(() => el.locator.setInputFiles(paths, { timeout: host.actionTimeoutMs }), signal);
    return { ok: true, message: `Chose ${chosen} for ${name}${outcome.note}`, pageChanged: outcome.pageChanged };
  }
  const page = await host.activePage();
  let chooser: FileChooser | undefined;
  const outcome = await host.watch(async () => {
    const opened = page.waitForEvent('filechooser', { timeout: host.actionTimeoutMs }).catch(() => undefined);
    await el.locator.click({ timeout: host.actionTimeoutMs });
    chooser = await opened;
    if (chooser === undefined) return;
    if (paths.length > 1 && !chooser.isMultiple()) return;
    await chooser.setFiles(paths, { timeout: host.actionTimeoutMs });
  }, signal);
  const opened = chooser as FileChooser | undefined;
  if (opened === undefined) {
    return failure(`Clicking ${name} opened no file chooser; upload to the file input itself, or to the button that opens one${outcome.note}`, outcome.pageChanged);
  }
  if (paths.length > 1 && !opened.isMultiple()) return failure(`The file chooser of ${name} takes one file, not ${paths.length}${outcome.note}`, outcome.pageChanged);
  return { ok: true, message: `Chose ${chosen} in the file chooser opened by ${name}${outcome.note}`, pageChanged: outcome.pageChanged };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
