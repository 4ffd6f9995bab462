import type { Observation, ObservedElement } from '../browser/port.ts';

/** One line per element: `[3]* button "Submit" value="…" (checked) -> /next`. `*` marks new ones. */
export function formatElement(element: ObservedElement): string {
  const parts = [`[${element.index}]${element.isNew ? '*' : ''}`, element.role];
  if (element.name) parts.push(JSON.stringify(element.name));
  if (element.looks !== undefined) parts.push(`(looks: ${element.looks})`);
  if (element.nameFrom === 'nearby-text') parts.push('(no label; name from nearby text)');
  else if (element.nameFrom === 'position') parts.push('(no label; name from its position)');
  if (element.value !== undefined && element.value !== '') parts.push(`value=${JSON.stringify(element.value)}`);
  if (element.valueLength !== undefined) {
    parts.push(`(value cut: ${element.valueLength.toLocaleString('en-US')} chars; read_page with index ${element.index} shows it all)`);
  }
  if (element.states && element.states.length > 0) parts.push(`(${element.states.join(', ')})`);
  if (element.options && element.options.length > 0) parts.push(`options=${JSON.stringify(element.options)}`);
  if (element.input) {
    const { type, format, min, max, step } = element.input;
    parts.push(`type=${type}`);
    if (format) parts.push(`format=${format}`);
    for (const [name, limit] of Object.entries({ min, max, step })) if (limit !== undefined) parts.push(`${name}=${limit}`);
  }
  if (element.accept) parts.push(`accept=${JSON.stringify(element.accept)}`);
  if (element.href) parts.push(`-> ${element.href}`);
  return parts.join(' ');
}

/** The observation as compact text for a language model. */
export function formatObservation(observation: Observation): string {
  if (observation.screen !== undefined) {
    const { width, height } = observation.screen;
    const lines = [`SCREEN: the user's own computer screen, ${width}×${height} pixels, as the screenshot shows it. There are no element indices: act at points (x, y) in pixels of the screenshot, from its top-left corner.`];
    if (observation.notice) lines.push(`Notice: ${observation.notice}`);
    return lines.join('\n');
  }
  const lines = [`URL: ${observation.url}`, `Title: ${observation.title}`];
  const { y, height, viewportHeight } = observation.scroll;
  lines.push(`Scroll: ${Math.round(y)} of ${Math.max(0, Math.round(height - viewportHeight))} px`);
  if (observation.tabs.length > 1) {
    lines.push(`Tabs: ${observation.tabs.map((t) => `${t.active ? '>' : ''}${t.index}: ${t.title || t.url}`).join(' | ')}`);
  }
  if (observation.notice) lines.push(`Notice: ${observation.notice}`);
  if (observation.dialog) {
    const { type, message, open, defaultValue } = observation.dialog;
    const prefilled = defaultValue === undefined ? '' : ` (prefilled: ${JSON.stringify(defaultValue)})`;
    lines.push(open ? `Dialog (${type}, open, waiting for answer_dialog): ${message}${prefilled}` : `Dialog (${type}): ${message}`);
  }
  lines.push('Interactive elements ([index], * = new since last step):');
  lines.push(...observation.elements.map(formatElement));
  if (observation.elements.length === 0) lines.push('(none)');
  lines.push('Visible text:');
  lines.push(observation.text || '(empty)');
  if (observation.truncated) lines.push('(cut to fit: scroll or use read_page to see more)');
  if (observation.downloads && observation.downloads.length > 0) lines.push(`Downloads: ${observation.downloads.join('; ')}`);
  if (observation.files && observation.files.length > 0) lines.push(`Session files (for upload_file): ${JSON.stringify(observation.files)}`);
  return lines.join('\n');
}

/**
 * The observation cut to a profile's budget: the first `maxElements` elements (the browser lists
 * the ones nearest the viewport) and `maxTextChars` of text, saying what was cut.
 */
export function fitObservation(observation: Observation, limits: { maxElements: number; maxTextChars: number }): Observation {
  const extraElements = observation.elements.length - limits.maxElements;
  const textTooLong = observation.text.length > limits.maxTextChars;
  if (extraElements <= 0 && !textTooLong) return observation;
  const notes: string[] = [];
  if (extraElements > 0) notes.push(`[${extraElements} more interactive elements not listed: scroll to bring them near]`);
  if (textTooLong) notes.push('[text cut to fit: scroll, or use read_page to read all of it]');
  const text = textTooLong ? observation.text.slice(0, limits.maxTextChars) : observation.text;
  return {
    ...observation,
    elements: extraElements > 0 ? observation.elements.slice(0, limits.maxElements) : observation.elements,
    text: `${text}\n${notes.join('\n')}`,
    truncated: true,
  };
}
