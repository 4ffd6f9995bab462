import type { Locator, Page } from 'playwright-core';
import type { ActionResult, BrowserAction, Observation, PageInfo } from '../port.ts';
import { placeholderOf, SECRET_PLACEHOLDER, type PaymentSecretRef, type SecretVault } from '../secret-vault.ts';
import type { ActionHost, LocatedElement } from './action-host.ts';
import { describeElement, failure, missingElement } from './action-results.ts';
import type { FrameIndices } from './frame-indices.ts';
import { readableError } from './readable-error.ts';
import { runOnElement } from './run-in-page.ts';

interface FilledField {
  page: Page;
  index: number;
  ref: PaymentSecretRef;
  locator: Locator;
  /** What observations show instead of the value; undefined: the value may show (a name). */
  display: string | undefined;
  /** The field sits in the tab's own document (not a cross-origin frame): its form can be read. */
  topDocument: boolean;
}

interface FieldFacts {
  tag: string;
  type: string;
  /** The field's own document: where the vault checks the merchant. */
  url: string;
  maxLength: number;
  options: { value: string; label: string }[];
}

/** A card number in page text however it is grouped: digits with a space, dash, dot, `+` or `%20` between them. */
const SEPARATOR = String.raw`(?:[\s.+-]|%20)?`;
const REDACTED_TEXT_LIMIT = 4;

/**
 * The secrets of one session's browser: what `fill_secret` filled where, and the values no text
 * leaving the browser layer may show. Values come from the session's vault and go only into the
 * page; observations show `display` instead, each field's rendering is masked for as long as it
 * lives (so screenshots and the live view's screencast show discs), and every string the adapter
 * hands up (observations, results, page info) has the card number taken out.
 */
export class SecretFills {
  #filled: FilledField[] = [];
  /** Fields a session secret was typed into: their rendering stays masked while they live. */
  #typed: { page: Page; locator: Locator }[] = [];
  /** Card numbers met in this session, as patterns; they stay for the session's life (a page may keep copies). */
  #patterns: { pattern: RegExp; replacement: string }[] = [];

  constructor(
    private readonly vault: SecretVault | undefined,
    private readonly frameIndices: FrameIndices,
  ) {}

  async fill(host: ActionHost, action: Extract<BrowserAction, { kind: 'fill_secret' }>): Promise<ActionResult> {
    if (this.vault === undefined) return failure('This session has no vault, so no secret can be filled.');
    if (action.fields.length === 0) return failure('No field to fill.');
    const page = await host.activePage();
    const filled: FilledField[] = [];
    try {
      for (const { index, ref } of action.fields) {
        const el = await host.locate(index);
        if (el === undefined) return await this.#abandon(filled, missingElement(index));
        if (el.description.disabled) return await this.#abandon(filled, failure(`Element ${index} (${describeElement(el.description)}) is disabled`));
        const facts = await runOnElement(el.locator, readFieldFacts, undefined, host.actionTimeoutMs);
        if (!['input', 'textarea', 'select'].includes(facts.tag) || ['checkbox', 'radio', 'file', 'submit', 'button', 'image', 'hidden'].includes(facts.type)) {
          return await this.#abandon(filled, failure(`Element ${index} (${describeElement(el.description)}) is not a text field or a select, so it cannot take the card's ${ref.field}`));
        }
        const answer = await this.vault.resolve(ref, { url: facts.url });
        if (!answer.ok) return await this.#abandon(filled, failure(`Could not fill ${describeElement(el.description)}: ${answer.reason}`));
        for (const secret of answer.secret.redact ?? []) this.#learn(secret);
        const field: FilledField = { page, index, ref, locator: el.locator, display: answer.secret.display, topDocument: this.frameIndices.lookup(index) === undefined };
        // Masked before the value arrives, so no frame ever paints it.
        if (field.display !== undefined) await runOnElement(el.locator, maskRendering, undefined, host.actionTimeoutMs);
        const problem = await this.#put(el, facts, answer.secret.candidates, host.actionTimeoutMs);
        if (problem !== undefined) return await this.#abandon(filled, failure(`Could not fill ${describeElement(el.description)}: ${problem}`));
        filled.push(field);
      }
      // No caret or selection left in a card field for a screenshot to show.
      const last = filled[filled.length - 1];
      if (last !== undefined) await runOnElement(last.locator, blurField, undefined, host.actionTimeoutMs);
    } catch (error) {
      await this.#empty(filled);
      // Playwright's message may quote what it was asked to type.
      throw new Error(this.redact(readableError(error)));
    }
    this.#filled.push(...filled);
    const token = action.fields[0]!.ref.id;
    const shown = filled.find((f) => f.ref.field === 'number')?.display;
    return {
      ok: true,
      message: `Filled ${filled.length} field${filled.length === 1 ? '' : 's'} (${filled.map((f) => `[${f.index}] ${f.ref.field.replace('_', ' ')}`).join(', ')}) from payment token ${token}${shown === undefined ? '' : `, card ${shown}`}`,
      // The next observation must show the filled fields (and what submits them) before anything acts on the page.
      pageChanged: true,
    };
  }

  /**
   * `type` whose text names session secrets (`{{secret:NAME}}`): each is resolved through the vault
   * for the field's own document (which refuses a site the secret may not go to), the field's
   * rendering is masked first, and from then on every text this adapter hands up shows the
   * placeholder where the value would be.
   */
  async typeSecrets(host: ActionHost, action: Extract<BrowserAction, { kind: 'type' }>, perform: (resolved: Extract<BrowserAction, { kind: 'type' }>) => Promise<ActionResult>): Promise<ActionResult> {
    if (this.vault === undefined) return failure('This session has no secrets, so no {{secret:…}} can be typed.');
    const el = await host.locate(action.index);
    if (el === undefined) return missingElement(action.index);
    const facts = await runOnElement(el.locator, readFieldFacts, undefined, host.actionTimeoutMs);
    const values = new Map<string, string>();
    for (const [, name] of action.text.matchAll(SECRET_PLACEHOLDER)) {
      if (name === undefined || values.has(name)) continue;
      const answer = await this.vault.resolve({ vault: 'session_secret', name }, { url: facts.url });
      if (!answer.ok) return failure(`Typed nothing into ${describeElement(el.description)}: ${answer.reason}`);
      const value = answer.secret.candidates[0];
      if (value === undefined) return failure(`Typed nothing into ${describeElement(el.description)}: the secret ${placeholderOf(name)} has no value.`);
      values.set(name, value);
      this.#learnNamed(value, placeholderOf(name));
    }
    // A password field shows discs anyway; any other field is masked before the value arrives.
    if (facts.type !== 'password') {
      await runOnElement(el.locator, maskRendering, undefined, host.actionTimeoutMs);
      this.#typed.push({ page: await host.activePage(), locator: el.locator });
    }
    const text = action.text.replace(SECRET_PLACEHOLDER, (placeholder, name: string) => values.get(name) ?? placeholder);
    try {
      return await perform({ ...action, text });
    } catch (error) {
      throw new Error(this.redact(readableError(error)));
    }
  }

  /** Empties every filled field still on a page; the patterns stay. */
  async clear(timeoutMs: number): Promise<ActionResult> {
    const filled = this.#filled;
    this.#filled = [];
    const cleared = await this.#empty(filled, timeoutMs);
    return { ok: true, message: cleared === 0 ? 'No card field was filled' : `Cleared ${cleared} card field${cleared === 1 ? '' : 's'}`, pageChanged: false };
  }

  /** Any secret-bearing text taken out: the card numbers met so far, however grouped. */
  redact(text: string): string {
    let out = text;
    for (const { pattern, replacement } of this.#patterns) out = out.replace(pattern, replacement);
    return out;
  }

  /**
   * The observation as it may leave the browser layer: filled fields show their display value and
   * `payment: 'filled'`, the controls that submit their form `payment: 'submit'`, and no text
   * carries a card number.
   */
  async toObservation(observation: Observation, page: Page, timeoutMs: number): Promise<Observation> {
    await this.#prune();
    const here = new Map(this.#filled.filter((f) => f.page === page).map((f) => [f.index, f]));
    const submitters = new Set<number>();
    if (here.size > 0) {
      for (const field of here.values()) {
        if (!field.topDocument) continue;
        const indices = await runOnElement(field.locator, formSubmitters, undefined, timeoutMs).catch(() => [] as number[]);
        for (const index of indices) submitters.add(index);
      }
    }
    if (here.size === 0 && this.#patterns.length === 0) return observation;
    const elements = observation.elements.map((element) => {
      const field = here.get(element.index);
      const out = { ...element };
      if (field !== undefined) {
        out.payment = 'filled';
        if (field.display !== undefined) {
          out.value = field.display;
          out.sensitive = true;
        }
      } else if (submitters.has(element.index)) out.payment = 'submit';
      return out;
    });
    return this.#redactStrings({ ...observation, elements });
  }

  /** Before a screenshot: every filled field of the page masked again (a page may have reset its style). */
  async guardRendering(page: Page, timeoutMs: number): Promise<void> {
    await this.#prune();
    await Promise.all(
      [...this.#filled.filter((f) => f.display !== undefined), ...this.#typed]
        .filter((f) => f.page === page)
        .map((f) => runOnElement(f.locator, maskRendering, undefined, timeoutMs).catch(() => undefined)),
    );
  }

  redactResult(result: ActionResult): ActionResult {
    if (this.#patterns.length === 0) return result;
    return { ...result, message: this.redact(result.message), ...(result.text === undefined ? {} : { text: this.redact(result.text) }) };
  }

  redactPageInfo<T extends PageInfo>(info: T): T {
    return this.#patterns.length === 0 ? info : { ...info, url: this.redact(info.url), title: this.redact(info.title) };
  }

  /** A session secret: exactly its text, shown as its placeholder (its digits are no card's: nothing of it shows). */
  #learnNamed(secret: string, placeholder: string): void {
    if (secret.length < REDACTED_TEXT_LIMIT) return;
    const source = escape(secret);
    if (!this.#patterns.some((p) => p.pattern.source === source)) this.#patterns.push({ pattern: new RegExp(source, 'g'), replacement: placeholder });
    this.#patterns.sort((a, b) => b.pattern.source.length - a.pattern.source.length);
  }

  #learn(secret: string): void {
    const digits = secret.replace(/\D/g, '');
    if (digits.length < 12) {
      if (secret.length >= REDACTED_TEXT_LIMIT && !this.#patterns.some((p) => p.pattern.source === escape(secret))) {
        this.#patterns.push({ pattern: new RegExp(escape(secret), 'g'), replacement: '••••' });
      }
      return;
    }
    const source = digits.split('').join(SEPARATOR);
    if (this.#patterns.some((p) => p.pattern.source === source)) return;
    this.#patterns.push({ pattern: new RegExp(source, 'g'), replacement: `•••• ${digits.slice(-4)}` });
  }

  /** Every string in a JSON-like value (an observation), redacted. */
  #redactStrings<T>(value: T): T {
    if (this.#patterns.length === 0) return value;
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((item: unknown) => this.#redactStrings(item)) as T;
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.#redactStrings(item)])) as T;
    }
    return value;
  }

  async #put(el: LocatedElement, facts: FieldFacts, candidates: string[], timeoutMs: number): Promise<string | undefined> {
    if (facts.tag === 'select') {
      const at = chooseOption(facts.options, candidates);
      if (at < 0) return 'none of its options fits the card';
      await el.locator.selectOption({ index: at }, { timeout: timeoutMs });
      return undefined;
    }
    const value = candidates.find((c) => facts.maxLength < 0 || c.length <= facts.maxLength) ?? candidates[0];
    if (value === undefined) return 'the token has no such value';
    await el.locator.fill(value, { timeout: timeoutMs });
    return undefined;
  }

  /** Clears what this call filled and answers `result`. */
  async #abandon(filled: FilledField[], result: ActionResult): Promise<ActionResult> {
    await this.#empty(filled);
    return result;
  }

  /** Forgets fields whose element is gone (its page closed or navigated), so nothing waits for them. */
  async #prune(): Promise<void> {
    const alive = await Promise.all(this.#filled.map((f) => isAlive(f)));
    this.#filled = this.#filled.filter((_, i) => alive[i]);
    const typed = await Promise.all(this.#typed.map((f) => isAlive(f)));
    this.#typed = this.#typed.filter((_, i) => typed[i]);
  }

  async #empty(fields: FilledField[], timeoutMs = 2_000): Promise<number> {
    let cleared = 0;
    for (const field of fields) {
      if (!(await isAlive(field))) continue;
      const emptied = await runOnElement(field.locator, emptyField, undefined, timeoutMs).catch(() => false);
      if (emptied) cleared++;
    }
    return cleared;
  }
}

async function isAlive(field: { page: Page; locator: Locator }): Promise<boolean> {
  if (field.page.isClosed()) return false;
  return (await field.locator.count().catch(() => 0)) > 0;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The option whose value or label is the first candidate that any option matches (numbers match `05` and `5`). */
function chooseOption(options: FieldFacts['options'], candidates: string[]): number {
  for (const candidate of candidates) {
    const exact = options.findIndex((o) => o.value === candidate || o.label === candidate);
    if (exact >= 0) return exact;
    if (/^\d+$/.test(candidate)) {
      const numeric = options.findIndex((o) => (/^\d+$/.test(o.value) && Number(o.value) === Number(candidate)) || (/^\d+$/.test(o.label) && Number(o.label) === Number(candidate)));
      if (numeric >= 0) return numeric;
    }
  }
  return -1;
}

// The functions below run INSIDE the page (Playwright sends their source): DOM APIs only.

const readFieldFacts = (node: Element): FieldFacts => {
  const tag = node.tagName.toLowerCase();
  const options = tag === 'select' ? Array.from((node as HTMLSelectElement).options, (o) => ({ value: o.value, label: o.label.trim() })) : [];
  const maxLength = tag === 'input' || tag === 'textarea' ? (node as HTMLInputElement).maxLength : -1;
  return { tag, type: tag === 'input' ? (node as HTMLInputElement).type : '', url: node.ownerDocument.location.href, maxLength, options };
};

/**
 * Renders the field's text as discs (a select's as nothing) for as long as the element lives: an
 * inline `!important` declaration, which no stylesheet of the page outranks, put back by a
 * mutation observer whenever the page rewrites the element's style.
 */
const maskRendering = (node: Element): void => {
  const el = node as HTMLElement & { [key: symbol]: unknown };
  const wanted: [string, string][] = [
    ['-webkit-text-security', 'disc'],
    ['caret-color', 'transparent'],
  ];
  if (el.tagName === 'SELECT') wanted.push(['color', 'transparent'], ['text-shadow', 'none']);
  const apply = (): void => {
    for (const [property, value] of wanted) {
      if (el.style.getPropertyValue(property) !== value || el.style.getPropertyPriority(property) !== 'important') el.style.setProperty(property, value, 'important');
    }
  };
  apply();
  const key = Symbol.for('steward.masked');
  if (el[key] === undefined) {
    const observer = new MutationObserver(apply);
    observer.observe(el, { attributes: true, attributeFilter: ['style'] });
    el[key] = observer;
  }
};

const blurField = (node: Element): void => (node as HTMLElement).blur();

/** Empties a field and tells the page, as a person deleting the text would. */
const emptyField = (node: Element): boolean => {
  const el = node as HTMLInputElement | HTMLSelectElement;
  if (el.tagName === 'SELECT') (el as HTMLSelectElement).selectedIndex = 0;
  else el.value = '';
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
  return true;
};

/** Indices (`data-steward-idx`) of the controls that submit the form holding this field. */
const formSubmitters = (node: Element): number[] => {
  const form = (node as HTMLInputElement).form;
  if (form === null || form === undefined) return [];
  const out: number[] = [];
  for (const control of Array.from(form.elements)) {
    const type = (control.getAttribute('type') ?? '').toLowerCase();
    const submits = control.tagName === 'BUTTON' ? type === '' || type === 'submit' : control.tagName === 'INPUT' && (type === 'submit' || type === 'image');
    const index = Number(control.getAttribute('data-steward-idx'));
    if (submits && Number.isInteger(index) && index > 0) out.push(index);
  }
  return out;
};
