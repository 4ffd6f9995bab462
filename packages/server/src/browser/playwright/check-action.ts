import type { ActionResult } from '../port.ts';
import { describeElement, failure, missingElement } from './action-results.ts';
import type { ActionHost } from './action-host.ts';

interface CheckState {
  /** checkbox, radio, switch, … or '' when the element has no checked state. */
  kind: string;
  checked: boolean;
}

/** Sets a checkbox, radio or switch (native or ARIA) to `checked`; a no-op when it already is. */
export async function checkAction(
  host: ActionHost,
  index: number,
  checked: boolean,
  signal: AbortSignal | undefined,
): Promise<ActionResult> {
  const el = await host.locate(index);
  if (el === undefined) return missingElement(index);
  const name = describeElement(el.description);
  if (el.description.disabled) return failure(`Element ${index} (${name}) is disabled`);
  const readState = (): Promise<CheckState> =>
    el.locator.evaluate(
      (node): CheckState => {
        // A label stands for its control, as it does for a click.
        const target = node.tagName === 'LABEL' ? ((node as HTMLLabelElement).control ?? node) : node;
        if (target.tagName === 'INPUT') {
          const input = target as HTMLInputElement;
          if (input.type === 'checkbox' || input.type === 'radio') return { kind: input.type, checked: input.checked };
        }
        const role = target.getAttribute('role') ?? '';
        if (/^(checkbox|radio|switch|menuitemcheckbox|menuitemradio)$/.test(role)) {
          return { kind: role, checked: target.getAttribute('aria-checked') === 'true' };
        }
        return { kind: '', checked: false };
      },
      undefined,
      { timeout: host.actionTimeoutMs },
    );
  const before = await readState();
  if (before.kind === '') {
    return failure(`Element ${index} (${name}) is not a checkbox, radio or switch; click it instead`);
  }
  const wanted = checked ? on(before.kind) : off(before.kind);
  if (before.checked === checked) return { ok: true, message: `${capitalize(name)} is already ${wanted}`, pageChanged: false };
  if (!checked && /radio/.test(before.kind)) {
    return failure(`A radio button cannot be unchecked (${name}); check another option of its group instead`);
  }
  const visible = await el.locator.isVisible();
  const outcome = await host.watch(
    () =>
      visible
        ? el.locator.setChecked(checked, { timeout: host.actionTimeoutMs })
        : // A styled control often hides the real input; a DOM click toggles it with the same events.
          el.locator.evaluate((node) => {
            const target = node.tagName === 'LABEL' ? ((node as HTMLLabelElement).control ?? node) : node;
            (target as HTMLElement).click();
          }),
    signal,
  );
  if (!outcome.pageChanged) {
    const after = await readState().catch(() => undefined);
    if (after !== undefined && after.checked !== checked) {
      return failure(`Clicking ${name} did not make it ${wanted}; it may need another step (observe the page)`);
    }
  }
  return { ok: true, message: `${capitalize(name)} is now ${wanted}${outcome.note}`, pageChanged: outcome.pageChanged };
}

function on(kind: string): string {
  return kind === 'switch' ? 'on' : 'checked';
}

function off(kind: string): string {
  return kind === 'switch' ? 'off' : 'unchecked';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
