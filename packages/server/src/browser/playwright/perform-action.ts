import type { ActionResult, BrowserAction } from '../port.ts';
import { MAX_WAIT_SECONDS, NavigationError } from '../port.ts';
import { SECRET_PLACEHOLDER } from '../secret-vault.ts';
import { delay } from '../../util/abort.ts';
import type { ActionHost, LocatedElement } from './action-host.ts';
import { describeElement, failure, missingElement } from './action-results.ts';
import { checkAction } from './check-action.ts';
import { clickAction } from './click-action.ts';
import { clickAtAction, dragAction, hoverAtAction, mouseWheelAction } from './pointer-actions.ts';
import { readTextAction } from './read-text-action.ts';
import { readValueAction } from './read-value-action.ts';
import { scrollAction } from './scroll-action.ts';
import { selectTextAction } from './select-text-action.ts';
import { closeTabAction, openTabAction, switchTabAction } from './tab-actions.ts';
import { typedTextProblem, typedValueOutcome } from './typed-input.ts';
import { uploadAction } from './upload-action.ts';
import { waitForAction } from './wait-for-action.ts';

export { READ_TEXT_PAGE_CHARS } from './read-text-action.ts';

export type { ActionHost, LocatedElement, WatchOutcome } from './action-host.ts';

/**
 * The actions that run against the page; answer_dialog is the session's own (`session-dialogs.ts`),
 * and so are the secret fills (`secret-fills.ts`).
 */
export type PageAction = Exclude<BrowserAction, { kind: 'answer_dialog' | 'fill_secret' | 'clear_secrets' }>;

/**
 * One BrowserAction against the session. Page-level failures come back as `{ ok: false }`;
 * Playwright errors propagate to the caller, which turns them into one readable line.
 */
export async function performAction(
  host: ActionHost,
  action: PageAction,
  signal: AbortSignal | undefined,
): Promise<ActionResult> {
  switch (action.kind) {
    case 'navigate':
      return navigateAction(host, action.url, signal);
    case 'click':
      return clickAction(host, action.index, signal);
    case 'type':
      return typeAction(host, action, signal);
    case 'select':
      return selectAction(host, action.index, action.option, signal);
    case 'scroll':
      return scrollAction(host, action);
    case 'press': {
      const page = await host.activePage();
      const outcome = await host.watch(() => page.keyboard.press(action.key), signal);
      return { ok: true, message: `Pressed ${action.key}${outcome.note}`, pageChanged: outcome.pageChanged };
    }
    case 'hover': {
      const el = await host.locate(action.index);
      if (el === undefined) return missingElement(action.index);
      const outcome = await host.watch(() => el.locator.hover({ timeout: host.actionTimeoutMs }), signal);
      return { ok: true, message: `Hovered over ${describe(el)}${outcome.note}`, pageChanged: outcome.pageChanged };
    }
    case 'select_text':
      return selectTextAction(host, action.text, action.index, signal);
    case 'check':
      return checkAction(host, action.index, action.checked, signal);
    case 'back': {
      const page = await host.activePage();
      const outcome = await host.watch(
        () => page.goBack({ waitUntil: 'domcontentloaded', timeout: host.navigationTimeoutMs }),
        signal,
      );
      if (!outcome.pageChanged) return failure('There is no previous page in this tab');
      return { ok: true, message: `Went back to ${page.url()}${outcome.note}`, pageChanged: true };
    }
    case 'forward': {
      const page = await host.activePage();
      const outcome = await host.watch(
        () => page.goForward({ waitUntil: 'domcontentloaded', timeout: host.navigationTimeoutMs }),
        signal,
      );
      if (!outcome.pageChanged) return failure('There is no next page in this tab');
      return { ok: true, message: `Went forward to ${page.url()}${outcome.note}`, pageChanged: true };
    }
    case 'reload': {
      const page = await host.activePage();
      const outcome = await host.watch(
        () => page.reload({ waitUntil: 'domcontentloaded', timeout: host.navigationTimeoutMs }),
        signal,
      );
      return { ok: true, message: `Reloaded ${page.url()}${outcome.note}`, pageChanged: true };
    }
    case 'open_tab':
      return openTabAction(host, action.url, signal);
    case 'switch_tab':
      return switchTabAction(host, action.index);
    case 'close_tab':
      return closeTabAction(host, action.index);
    case 'wait_for':
      return waitForAction(host, action, signal);
    case 'read_text':
      return action.index === undefined ? readTextAction(host, action.page ?? 1, signal) : readValueAction(host, action.index, action.page ?? 1);
    case 'upload':
      return uploadAction(host, action.index, action.files, signal);
    case 'click_at':
      return clickAtAction(host, action, signal);
    case 'hover_at':
      return hoverAtAction(host, action, signal);
    case 'drag':
      return dragAction(host, action, signal);
    case 'mouse_wheel':
      return mouseWheelAction(host, action);
    case 'type_text': {
      // A secret is typed only into a field named by index: the vault checks that field's document.
      if (action.text.search(SECRET_PLACEHOLDER) !== -1) return failure('A {{secret:…}} is typed only with type and the index of its field.');
      const page = await host.activePage();
      const outcome = await host.watch(() => page.keyboard.type(action.text), signal);
      return { ok: true, message: `Typed ${action.text.length} characters at the keyboard focus${outcome.note}`, pageChanged: outcome.pageChanged };
    }
    case 'wait':
      await delay(Math.min(action.seconds, MAX_WAIT_SECONDS) * 1000, signal);
      return { ok: true, message: `Waited ${action.seconds} s`, pageChanged: false };
  }
}

async function navigateAction(host: ActionHost, url: string, signal: AbortSignal | undefined): Promise<ActionResult> {
  const page = await host.activePage();
  const before = page.url();
  try {
    const info = await host.navigateFor(url, signal);
    return { ok: true, message: `Opened ${info.url} ('${info.title}')`, pageChanged: true };
  } catch (error) {
    if (error instanceof NavigationError) {
      return { ok: false, message: error.message, pageChanged: page.url() !== before };
    }
    throw error;
  }
}

async function typeAction(
  host: ActionHost,
  action: Extract<BrowserAction, { kind: 'type' }>,
  signal: AbortSignal | undefined,
): Promise<ActionResult> {
  const el = await host.locate(action.index);
  if (el === undefined) return missing(action.index);
  if (el.description.tag === 'select') {
    return failure(`Element ${action.index} (${describe(el)}) is a select; use the select action`);
  }
  if (el.description.disabled) return failure(`Element ${action.index} (${describe(el)}) is disabled`);
  const { inputType } = el.description;
  const formatProblem = typedTextProblem(inputType, action.text);
  if (formatProblem !== undefined) return failure(`Could not type into ${describe(el)}: ${formatProblem}`);
  // A typed value (a date, a number) is replaced as a whole: appending to it means nothing.
  const append = action.clear === false && inputType === undefined;
  const page = await host.activePage();
  const outcome = await host.watch(async () => {
    if (append) {
      await el.locator.focus({ timeout: host.actionTimeoutMs });
      // Put the caret at the end so the text is appended, not inserted where the page left it.
      await el.locator.evaluate((node) => {
        const field = node as HTMLInputElement;
        if (typeof field.setSelectionRange === 'function' && typeof field.value === 'string') {
          try {
            field.setSelectionRange(field.value.length, field.value.length);
          } catch {
            // input types without a caret (email, number) append at the end anyway
          }
        } else {
          const selection = node.ownerDocument.getSelection();
          selection?.selectAllChildren(node);
          selection?.collapseToEnd();
        }
      });
      await page.keyboard.insertText(action.text);
    } else {
      await el.locator.fill(action.text, { timeout: host.actionTimeoutMs });
    }
    if (action.submit === true) await el.locator.press('Enter', { timeout: host.actionTimeoutMs });
  }, signal);
  const typed = outcome.pageChanged ? {} : await typedValueOutcome(el.locator, inputType, action.text, host.actionTimeoutMs);
  if (typed.problem !== undefined) return failure(`Could not type into ${describe(el)}: ${typed.problem}`);
  // The typed text is never echoed: it may be a secret injected below the model.
  const what = `${action.text.length} character${action.text.length === 1 ? '' : 's'}`;
  const verb = append ? 'Appended' : 'Typed';
  const submitted = action.submit === true ? ' and pressed Enter' : '';
  return { ok: true, message: `${verb} ${what} into ${describe(el)}${submitted}${typed.note ?? ''}${outcome.note}`, pageChanged: outcome.pageChanged };
}

async function selectAction(
  host: ActionHost,
  index: number,
  option: string | string[],
  signal: AbortSignal | undefined,
): Promise<ActionResult> {
  const wanted = typeof option === 'string' ? [option] : option;
  // The options are matched while the element is found: one call into the page, not two.
  const el = await host.locate(index, { inspect: matchOptions, arg: wanted });
  if (el === undefined) return missing(index);
  if (el.description.tag !== 'select') {
    return failure(`Element ${index} (${describe(el)}) is not a <select>; click it to open its options instead`);
  }
  if (el.description.disabled) return failure(`Element ${index} (${describe(el)}) is disabled`);
  const match = el.inspected;
  if (wanted.length > 1 && !match.multiple) {
    return failure(`${capitalized(describe(el))} takes one option, not a list: it is not a multi-select; give one option`);
  }
  const unknown = wanted.filter((_, i) => (match.indices[i] ?? -1) < 0);
  if (unknown.length > 0) {
    const choices = match.labels.slice(0, 20).join(', ');
    const which = unknown.map((o) => `'${o}'`).join(', ');
    return failure(`No option ${which} in ${describe(el)}${wanted.length > 1 ? '; nothing was chosen' : ''}; options are: ${choices}`);
  }
  const chosen = [...new Set(match.indices)];
  const outcome = await host.watch(
    () => el.locator.selectOption(chosen.map((i) => ({ index: i })), { timeout: host.actionTimeoutMs }),
    signal,
  );
  const labels = chosen.map((i) => `'${match.labels[i] ?? ''}'`).join(', ');
  return { ok: true, message: `Selected ${labels} in ${describe(el)}${outcome.note}`, pageChanged: outcome.pageChanged };
}

interface OptionMatch {
  multiple: boolean;
  /** The option index of each wanted option, -1 where none matches. */
  indices: number[];
  labels: string[];
}

/** Runs INSIDE the page: each wanted option by value, label or text, then without case. Not a select: nothing matches. */
function matchOptions(node: Element, wanted: string[]): OptionMatch {
  if (node.tagName !== 'SELECT') return { multiple: false, indices: wanted.map(() => -1), labels: [] };
  const select = node as HTMLSelectElement;
  const options = Array.from(select.options);
  const find = (wanted: string): number => {
    const want = wanted.trim();
    let found = options.findIndex((o) => o.value === want || o.label.trim() === want || o.text.trim() === want);
    if (found < 0) {
      const lower = want.toLowerCase();
      found = options.findIndex((o) => o.label.trim().toLowerCase() === lower || o.value.toLowerCase() === lower);
    }
    return found;
  };
  return { multiple: select.multiple, indices: wanted.map(find), labels: options.map((o) => o.label.trim()) };
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function describe(el: LocatedElement): string {
  return describeElement(el.description);
}

function missing(index: number): ActionResult {
  return missingElement(index);
}
