import { createHash } from 'node:crypto';
import type { DesktopAction } from '@steward/protocol';
import { StepInProgressError, type ClientScreen, type ScreenImage, type ScreenStep } from '../client-screen.ts';
import {
  BrowserClosedError,
  MAX_WAIT_SECONDS,
  NavigationError,
  type ActionResult,
  type BrowserAction,
  type CallOptions,
  type Observation,
  type PageInfo,
  type StorageState,
} from '../port.ts';

/** One wheel notch of a desktop `scroll`, in the pixels `mouse_wheel` speaks. */
const PIXELS_PER_NOTCH = 100;

const SCREEN_INFO: PageInfo = { url: 'about:blank', title: 'Client screen (desktop session)' };

interface WaitingStep {
  resolve(step: ScreenStep): void;
  reject(error: unknown): void;
}

/**
 * The `ClientScreen` of a desktop session, in memory. The agent's loop and the client's steps
 * meet here: `observe` takes the screenshot the waiting step brought (or, when the last one has
 * been looked at, answers that step with the actions decided on it and waits for the next), and
 * `act` collects pointer and keyboard actions for the client instead of performing them.
 */
export class StepDrivenScreen implements ClientScreen {
  readonly clientScreen = true as const;
  #image: ScreenImage | undefined;
  /** The latest screenshot has not been observed yet. */
  #fresh = false;
  #arrived: (() => void) | undefined;
  #waiting: WaitingStep | undefined;
  #actions: DesktopAction[] = [];
  #thinking: string | undefined;
  #question: string | undefined;
  /** A task end no step was waiting for: the next step reports it. */
  #unreported: ScreenStep | undefined;
  #step = 0;
  #closed = false;

  constructor(readonly sessionId: string) {}

  get stepWaiting(): boolean {
    return this.#waiting !== undefined;
  }

  step(image: ScreenImage, signal: AbortSignal, options: { answering?: boolean } = {}): Promise<ScreenStep> {
    if (this.#closed) return Promise.reject(new BrowserClosedError('The desktop session has ended'));
    if (this.#waiting !== undefined) return Promise.reject(new StepInProgressError());
    if (signal.aborted) return Promise.reject(signal.reason);
    this.#image = image;
    this.#fresh = true;
    const reply = new Promise<ScreenStep>((resolve, reject) => {
      const onAbort = (): void => {
        if (this.#waiting === waiting) this.#waiting = undefined;
        reject(signal.reason);
      };
      const waiting: WaitingStep = {
        resolve: (step) => {
          signal.removeEventListener('abort', onAbort);
          resolve(step);
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      this.#waiting = waiting;
      signal.addEventListener('abort', onAbort, { once: true });
    });
    if (options.answering === true) this.#question = undefined;
    // Still waiting for an answer this step did not bring: ask again.
    else if (this.#question !== undefined) this.#answer({ askUser: this.#question });
    const wake = this.#arrived;
    this.#arrived = undefined;
    wake?.();
    return reply;
  }

  /** What ended while no step waited (a cancel between steps), once; undefined otherwise. */
  takeUnreportedEnd(): ScreenStep | undefined {
    const end = this.#unreported;
    this.#unreported = undefined;
    return end;
  }

  think(text: string): void {
    this.#thinking = text;
  }

  asked(question: string): void {
    this.#question = question;
    this.#actions.push({ type: 'ask_question', question });
    this.#answer({ askUser: question });
  }

  ended(outcome: { success: boolean; text: string }): void {
    this.#actions.push(outcome.success ? { type: 'finish', summary: outcome.text } : { type: 'fail', reason: outcome.text });
    const end = this.#reply({ finished: true });
    this.#step = 0;
    this.#question = undefined;
    this.#fresh = false;
    if (this.#waiting === undefined) this.#unreported = end;
    else this.#settle(end);
  }

  interrupt(): void {
    this.#answer({});
  }

  async observe(options?: CallOptions): Promise<Observation> {
    this.#ensureOpen();
    if (!this.#fresh) {
      // What was decided on the last screenshot goes to the client, which sends the next one.
      this.#answer({});
      await this.#nextScreenshot(options?.signal);
    }
    this.#fresh = false;
    this.#question = undefined;
    this.#step++;
    const image = this.#image!;
    return {
      ...SCREEN_INFO,
      elements: [],
      text: '',
      truncated: false,
      scroll: { y: 0, height: image.height, viewportHeight: image.height },
      tabs: [],
      screen: { width: image.width, height: image.height, digest: createHash('sha256').update(image.data).digest('base64url').slice(0, 22) },
    };
  }

  async act(action: BrowserAction): Promise<ActionResult> {
    this.#ensureOpen();
    const outcome = this.#toDesktop(action);
    if (typeof outcome === 'string') return { ok: false, message: outcome, pageChanged: false };
    this.#actions.push(outcome);
    return { ok: true, message: `Sent to the client's screen: ${describe(outcome)}. The next screenshot shows what it did.`, pageChanged: false };
  }

  async screenshot(): Promise<{ jpeg: Buffer; mediaType?: 'image/png' } & PageInfo> {
    this.#ensureOpen();
    const image = this.#image;
    if (image === undefined) throw new Error('The client has not sent a screenshot yet');
    return { jpeg: image.data, ...(image.mediaType === 'image/png' ? { mediaType: 'image/png' as const } : {}), ...SCREEN_INFO };
  }

  async navigate(): Promise<PageInfo> {
    throw new NavigationError('A desktop session has no browser to navigate: the client drives its own screen.');
  }

  async pageInfo(): Promise<PageInfo> {
    return SCREEN_INFO;
  }

  async storageState(): Promise<StorageState> {
    return {};
  }

  async startScreencast(): Promise<{ stop(): Promise<void> }> {
    throw new Error('A desktop session has no live view: the screen is the client’s.');
  }

  async input(): Promise<void> {
    throw new Error('A desktop session has no live view: the screen is the client’s.');
  }

  onCrash(): () => void {
    // Nothing of the server's can crash under a client's screen.
    return () => undefined;
  }

  async setNavigationGuard(): Promise<void> {
    // Nothing navigates here: the client's screen is not the server's to guard.
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closed = new BrowserClosedError('The desktop session has ended');
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(closed);
    const wake = this.#arrived;
    this.#arrived = undefined;
    wake?.();
  }

  #reply(extra: { finished?: boolean; askUser?: string }): ScreenStep {
    const step: ScreenStep = { actions: this.#actions.splice(0), finished: extra.finished ?? false, step: this.#step };
    if (this.#thinking !== undefined) step.thinking = this.#thinking;
    if (extra.askUser !== undefined) step.askUser = extra.askUser;
    this.#thinking = undefined;
    return step;
  }

  /** Answers the waiting step; with none waiting, what was decided is dropped (the client moved on). */
  #answer(extra: { askUser?: string }): void {
    if (this.#waiting === undefined) {
      this.#actions = [];
      return;
    }
    this.#settle(this.#reply(extra));
  }

  #settle(step: ScreenStep): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.resolve(step);
  }

  #nextScreenshot(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        this.#arrived = undefined;
        reject(signal?.reason);
      };
      this.#arrived = () => {
        signal?.removeEventListener('abort', onAbort);
        if (this.#closed) reject(new BrowserClosedError('The desktop session has ended'));
        else resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #ensureOpen(): void {
    if (this.#closed) throw new BrowserClosedError('The desktop session has ended');
  }

  /** The action in the client's vocabulary, or why it has no meaning on a screen. */
  #toDesktop(action: BrowserAction): DesktopAction | string {
    const image = this.#image;
    const outside = (x: number, y: number): string | undefined =>
      image !== undefined && (x >= image.width || y >= image.height) ? `(${x}, ${y}) is outside the screen, which is ${image.width}×${image.height} pixels.` : undefined;
    const at = (x: number, y: number) => ({ x: Math.round(x), y: Math.round(y) });
    switch (action.kind) {
      case 'click_at': {
        const point = at(action.x, action.y);
        const problem = outside(point.x, point.y);
        if (problem !== undefined) return problem;
        if (action.button === 'right') return { type: 'right_click', ...point };
        if (action.clicks === 2) return { type: 'double_click', ...point };
        if (action.clicks === 3) return { type: 'triple_click', ...point };
        return action.button === 'middle' ? { type: 'click', ...point, click_type: 'middle' } : { type: 'click', ...point };
      }
      case 'hover_at': {
        const point = at(action.x, action.y);
        return outside(point.x, point.y) ?? { type: 'hover', ...point };
      }
      case 'drag': {
        if ('index' in action.from || 'index' in action.to) return 'A client screen has no element indices: give both ends of drag as points {x, y}.';
        const from = at(action.from.x, action.from.y);
        const to = at(action.to.x, action.to.y);
        const problem = outside(from.x, from.y) ?? outside(to.x, to.y);
        if (problem !== undefined) return problem;
        return { type: 'drag', start_x: from.x, start_y: from.y, end_x: to.x, end_y: to.y };
      }
      case 'mouse_wheel': {
        const vertical = Math.abs(action.deltaY) >= Math.abs(action.deltaX ?? 0);
        const delta = vertical ? action.deltaY : (action.deltaX ?? 0);
        if (delta === 0) return 'mouse_wheel needs a delta_y or delta_x other than 0.';
        const direction = vertical ? (delta > 0 ? 'down' : 'up') : delta > 0 ? 'right' : 'left';
        const amount = Math.max(1, Math.round(Math.abs(delta) / PIXELS_PER_NOTCH));
        const point = action.x !== undefined && action.y !== undefined ? at(action.x, action.y) : undefined;
        if (point !== undefined) return outside(point.x, point.y) ?? { type: 'scroll', ...point, direction, amount };
        return { type: 'scroll', direction, amount };
      }
      case 'press':
        return { type: 'key', key: action.key };
      case 'type_text':
        if (/\{\{secret:/.test(action.text)) return 'A {{secret:…}} cannot be typed on a client screen: the server cannot tell which site would receive it.';
        return { type: 'type', text: action.text };
      case 'wait':
        return { type: 'wait', duration: Math.min(action.seconds, MAX_WAIT_SECONDS) };
      default:
        return `${action.kind} needs a browser, and a desktop session has none: use click_at, hover_at, drag, mouse_wheel, type_text, press and wait at points of the screenshot.`;
    }
  }
}

function describe(action: DesktopAction): string {
  switch (action.type) {
    case 'type':
      return `type ${action.text.length} characters`;
    case 'key':
      return `key ${action.key}`;
    case 'drag':
      return `drag (${action.start_x}, ${action.start_y}) → (${action.end_x}, ${action.end_y})`;
    case 'scroll':
      return `scroll ${action.direction} ${action.amount}${action.x === undefined ? '' : ` at (${action.x}, ${action.y})`}`;
    case 'wait':
      return `wait ${action.duration} s`;
    case 'click':
    case 'double_click':
    case 'triple_click':
    case 'right_click':
    case 'hover':
      return `${action.type.replace('_', ' ')} at (${action.x}, ${action.y})`;
    default:
      return action.type;
  }
}
