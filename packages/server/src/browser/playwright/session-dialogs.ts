import type { Dialog, Page } from 'playwright-core';
import type { ActionResult, ObservedDialog } from '../port.ts';

/**
 * How long a confirm or prompt waits for `answer_dialog` before it is dismissed: a tab with an
 * open dialog runs no script, so an unanswered one must not hold the session (or a person
 * watching the live view) for good.
 */
export const DIALOG_ANSWER_TIMEOUT_MS = 60_000;
const MESSAGE_LIMIT = 500;

/** A confirm or prompt waiting for an answer. */
export interface OpenDialog {
  readonly type: string;
  readonly message: string;
  /** A prompt's prefilled text ('' for a confirm). */
  readonly defaultValue: string;
}

/** A dialog answered without the model. */
export interface HandledDialog {
  type: string;
  message: string;
  answer: 'accepted' | 'dismissed';
  /** Why nobody asked the model: 'answered automatically', 'no answer within 60 s', … */
  why: string;
}

interface Waiting extends OpenDialog {
  dialog: Dialog;
  release(): void;
}

/**
 * The native dialogs of one session's tabs. Alerts and beforeunload are accepted at once (an
 * alert needs no decision; accepting beforeunload keeps navigation and closing tabs working).
 * A confirm or prompt stays open until `answer` (the model), `dismiss` (a navigation, a person
 * using the live view) or the answer timeout; whatever was answered without the model is kept
 * for the next observation.
 */
export class SessionDialogs {
  /** See DIALOG_ANSWER_TIMEOUT_MS; settable so a test need not wait a minute. */
  answerTimeoutMs = DIALOG_ANSWER_TIMEOUT_MS;
  private readonly waiting = new Map<Page, Waiting>();
  private readonly openListeners = new Set<(page: Page) => void>();
  private unreported: HandledDialog | undefined;
  private handledCount = 0;
  private lastHandled: HandledDialog | undefined;

  /** The page's `dialog` event. */
  handle(page: Page, dialog: Dialog): void {
    const type = dialog.type();
    const message = dialog.message().slice(0, MESSAGE_LIMIT);
    if (type !== 'confirm' && type !== 'prompt') {
      this.record({ type, message, answer: 'accepted', why: 'answered automatically' });
      dialog.accept().catch(() => undefined);
      return;
    }
    this.waiting.get(page)?.release();
    const timeoutMs = this.answerTimeoutMs;
    const timer = setTimeout(() => void this.dismiss(page, `no answer within ${describeMs(timeoutMs)}`), timeoutMs);
    timer.unref();
    const onClose = (): void => void this.release(page);
    // A navigation that commits while the dialog is up takes the dialog with it.
    const onNavigated = (frame: unknown): void => {
      if (frame === page.mainFrame() && this.waiting.get(page)?.dialog === dialog) {
        this.record({ type, message, answer: 'dismissed', why: 'the tab navigated away' });
        this.release(page);
      }
    };
    page.once('close', onClose);
    page.on('framenavigated', onNavigated);
    this.waiting.set(page, {
      type,
      message,
      defaultValue: dialog.defaultValue(),
      dialog,
      release: () => {
        clearTimeout(timer);
        page.off('close', onClose);
        page.off('framenavigated', onNavigated);
      },
    });
    for (const listener of [...this.openListeners]) listener(page);
  }

  /** The confirm or prompt open on `page`, if any. */
  openOn(page: Page): OpenDialog | undefined {
    const waiting = this.waiting.get(page);
    return waiting === undefined ? undefined : { type: waiting.type, message: waiting.message, defaultValue: waiting.defaultValue };
  }

  /** Resolves when a confirm or prompt opens on `page`; `stop()` when no longer interested. */
  whenOpened(page: Page): { opened: Promise<OpenDialog>; stop(): void } {
    let stop = (): void => undefined;
    const opened = new Promise<OpenDialog>((resolve) => {
      const listener = (on: Page): void => {
        const open = on === page ? this.openOn(page) : undefined;
        if (open === undefined) return;
        this.openListeners.delete(listener);
        resolve(open);
      };
      this.openListeners.add(listener);
      stop = () => void this.openListeners.delete(listener);
    });
    return { opened, stop };
  }

  /** The model's answer; undefined when no dialog is open on `page`. */
  async answer(page: Page, accept: boolean, text: string | undefined): Promise<OpenDialog | undefined> {
    const waiting = this.release(page);
    if (waiting === undefined) return undefined;
    // Fails only when the dialog is already gone (its tab navigated or closed): nothing left to answer.
    await (accept ? waiting.dialog.accept(waiting.type === 'prompt' ? (text ?? waiting.defaultValue) : undefined) : waiting.dialog.dismiss()).catch(() => undefined);
    return { type: waiting.type, message: waiting.message, defaultValue: waiting.defaultValue };
  }

  /** Dismisses the dialog open on `page` without the model; the next observation reports it. */
  async dismiss(page: Page, why: string): Promise<void> {
    const waiting = this.release(page);
    if (waiting === undefined) return;
    this.record({ type: waiting.type, message: waiting.message, answer: 'dismissed', why });
    await waiting.dialog.dismiss().catch(() => undefined);
  }

  /** The latest dialog answered without the model since the previous call, for an observation. */
  takeReport(): ObservedDialog | undefined {
    const handled = this.unreported;
    this.unreported = undefined;
    return handled === undefined ? undefined : { type: handled.type, message: `${handled.message} (${handled.why}: ${handled.answer})`, open: false };
  }

  /** Marks now, for `handledSince`. */
  mark(): number {
    return this.handledCount;
  }

  /** The latest dialog answered without the model after `mark`, for an action's result. */
  handledSince(mark: number): HandledDialog | undefined {
    return this.handledCount > mark ? this.lastHandled : undefined;
  }

  private record(handled: HandledDialog): void {
    this.handledCount++;
    this.lastHandled = handled;
    this.unreported = handled;
  }

  private release(page: Page): Waiting | undefined {
    const waiting = this.waiting.get(page);
    if (waiting === undefined) return undefined;
    this.waiting.delete(page);
    waiting.release();
    return waiting;
  }
}

/** The observation of a tab whose dialog waits: no script runs there, so no elements and no text from it. */
export function dialogNotice(open: OpenDialog, timeoutMs: number): string {
  const prompt = open.type === 'prompt';
  return [
    `A ${open.type} dialog is open and the page waits for its answer: nothing on this tab can be read or used until it is answered.`,
    `Answer it with answer_dialog: accept true (OK) or false (Cancel)${prompt ? ', with text for the prompt (without text the prefilled value is kept)' : ''}.`,
    `Unanswered, it is dismissed automatically after ${describeMs(timeoutMs)}.`,
  ].join(' ');
}

export function observedDialog(open: OpenDialog): ObservedDialog {
  return open.type === 'prompt'
    ? { type: open.type, message: open.message, open: true, defaultValue: open.defaultValue }
    : { type: open.type, message: open.message, open: true };
}

/** The result of an action tried while a dialog is open. */
export function answerFirst(open: OpenDialog): ActionResult {
  return {
    ok: false,
    message: `A ${open.type} dialog is open on this tab (${quote(open.message)}): answer it with answer_dialog (accept true or false) before anything else`,
    pageChanged: false,
  };
}

export function noDialogToAnswer(): ActionResult {
  return { ok: false, message: 'No dialog is open on this tab (alerts are accepted automatically)', pageChanged: false };
}

/** What answer_dialog did; a prompt's text is counted, never echoed (it may be a secret). */
export function answeredMessage(open: OpenDialog, accept: boolean, text: string | undefined): string {
  const what = `the ${open.type} dialog ${quote(open.message)}`;
  if (!accept) return `Dismissed ${what}`;
  if (open.type !== 'prompt' || text === undefined) return `Accepted ${what}`;
  return `Entered ${text.length} character${text.length === 1 ? '' : 's'} into ${what} and accepted it`;
}

/** The sentence added to an action's result when the action opened a dialog. */
export function openedNote(open: OpenDialog): string {
  const value = open.type === 'prompt' && open.defaultValue !== '' ? ` (prefilled: ${quote(open.defaultValue)})` : '';
  return `${article(open.type)} ${open.type} dialog opened and waits for an answer: ${quote(open.message)}${value}; answer it with answer_dialog`;
}

/** The sentence added to an action's result when a dialog was answered without the model meanwhile. */
export function handledNote(handled: HandledDialog): string {
  return `${article(handled.type)} ${handled.type} dialog said ${quote(handled.message)} and was ${handled.answer}`;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function quote(text: string): string {
  return `'${text}'`;
}

function describeMs(ms: number): string {
  return ms >= 1_000 && ms % 1_000 === 0 ? `${ms / 1_000} s` : `${ms} ms`;
}
