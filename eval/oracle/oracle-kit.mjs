// Building blocks for the oracle's plans. A plan is a list of stages; a stage looks at the
// observation and returns what to do: { label, actions } to act and move on, plus optional
// `next` (stage index to run next) or `stay` (run this stage again); { done, success? } to finish;
// { skip: n } to jump over the next n stages at once; or null to move on without acting.
// Elements are always found in the observation by role and accessible name, never by index.

export class OracleMiss extends Error {
  constructor(message) {
    super(message);
    this.name = 'OracleMiss';
  }
}

const matches = (name, want) => (typeof want === 'string' ? name.trim().toLowerCase() === want.trim().toLowerCase() : want.test(name));
const resolve = (ctx, value) => (typeof value === 'function' ? value(ctx) : value);

/** What a stage sees: the observation, the plan's memory and finders over the elements. */
export function context(observation, memo, history) {
  const elements = observation.elements;
  const origin = new URL(observation.url).origin;
  const find = (predicate, what) => {
    const el = elements.find(predicate);
    if (el === undefined) throw new OracleMiss(`no ${what} on ${observation.url}`);
    return el;
  };
  const last = history[history.length - 1];
  return {
    observation,
    memo,
    origin,
    text: observation.text,
    lastResult: last?.result,
    has: (pattern) => (typeof pattern === 'string' ? observation.text.includes(pattern) : pattern.test(observation.text)),
    link: (name) => find((e) => e.role === 'link' && matches(e.name, name), `link ${name}`),
    button: (name) => find((e) => e.role === 'button' && matches(e.name, name), `button ${name}`),
    /** Any form control (textbox, searchbox, spinbutton, combobox, checkbox, radio, date …). */
    field: (name) => find((e) => e.role !== 'link' && e.role !== 'button' && matches(e.name, name), `field ${name}`),
    links: (predicate) => elements.filter((e) => e.role === 'link' && predicate(e)),
    /** An element made clickable by a script (role 'clickable'), by name. */
    clickable: (name) => find((e) => e.role === 'clickable' && matches(e.name, name), `clickable ${name}`),
    /** The first element whose `looks` (what a nameless element looks like) matches. */
    looking: (pattern) => find((e) => e.looks !== undefined && pattern.test(e.looks), `element looking like ${pattern}`),
    /** Every element that satisfies the predicate. */
    all: (predicate) => elements.filter(predicate),
    /** The element that satisfies the predicate, or an OracleMiss naming `what`. */
    one: (predicate, what) => find(predicate, what),
    /** The value in a table row "Label | value". */
    fact: (label) => {
      const line = observation.text.split('\n').find((l) => l.startsWith(`${label} | `));
      if (line === undefined) throw new OracleMiss(`no fact '${label}' on ${observation.url}`);
      return line.slice(label.length + 3).trim();
    },
    grab: (regex, what = String(regex)) => {
      const m = regex.exec(observation.text);
      if (m === null) throw new OracleMiss(`no ${what} on ${observation.url}`);
      return m[1] ?? m[0];
    },
  };
}

export const navigate = (url) => ({ tool: 'navigate', args: { url } });
export const click = (el) => ({ tool: 'click', args: { index: el.index } });
export const type = (el, text, submit = false) => ({ tool: 'type', args: { index: el.index, text, ...(submit ? { submit: true } : {}) } });
export const choose = (el, option) => ({ tool: 'select', args: { index: el.index, option } });

export const hover = (el) => ({ tool: 'hover', args: { index: el.index } });
export const press = (key) => ({ tool: 'press', args: { key } });
export const clickAt = (point) => ({ tool: 'click_at', args: { x: point.x, y: point.y } });
/** A drag between element indices or viewport points ({ x, y }). */
export const drag = (from, to) => ({ tool: 'drag', args: { from: typeof from === 'object' && 'index' in from ? from.index : from, to: typeof to === 'object' && 'index' in to ? to.index : to } });
export const selectText = (text, el) => ({ tool: 'select_text', args: { text, ...(el ? { index: el.index } : {}) } });
/** Reads an element's whole value (read_page with its index); the text comes back in the next step's lastResult. */
export const readValue = (el) => ({ tool: 'read_page', args: { index: el.index } });

/** The centre of an element's box, in viewport CSS pixels. */
export const centre = (el) => {
  if (el.box === undefined) throw new OracleMiss(`element [${el.index}] has no box`);
  return { x: Math.round(el.box.x + el.box.width / 2), y: Math.round(el.box.y + el.box.height / 2) };
};

/** Of `list`, the element whose vertical centre is nearest the anchor's: an icon in the anchor's row. */
export const sameRow = (list, anchor) => {
  const y = centre(anchor).y;
  const best = [...list].sort((a, b) => Math.abs(centre(a).y - y) - Math.abs(centre(b).y - y))[0];
  if (best === undefined) throw new OracleMiss(`nothing in the row of [${anchor.index}]`);
  return best;
};

/** Elements laid out in a grid, as rows (top to bottom) of elements (left to right). */
export const gridOf = (list) => {
  const rows = [];
  for (const el of [...list].sort((a, b) => a.box.y - b.box.y || a.box.x - b.box.x)) {
    const row = rows.find((r) => Math.abs(r[0].box.y - el.box.y) < el.box.height / 2);
    if (row) row.push(el);
    else rows.push([el]);
  }
  return rows.map((r) => r.sort((a, b) => a.box.x - b.box.x));
};

/**
 * Finishes once the page shows `text` (what it says after the server recorded the action), else
 * waits for it: the check reads the server's state, so the task must not end before it arrived.
 */
export const confirm = (shows, result) => (ctx) => {
  const text = resolve(ctx, shows);
  return ctx.has(text) ? { done: resolve(ctx, result) } : { label: `Wait for "${text}"`, actions: [{ tool: 'wait_for', args: { text, timeout_ms: 3000 } }], stay: true };
};

/** Opens a path on the site the task started on. */
export const go = (path) => (ctx) => ({ label: `Open ${path}`, actions: [navigate(`${ctx.origin}${path}`)] });

export const searchFor = (box, query) => (ctx) => {
  const q = resolve(ctx, query);
  return { label: `Search for "${q}"`, actions: [type(ctx.field(box), q, true)] };
};

export const clickLink = (name) => (ctx) => {
  const n = resolve(ctx, name);
  return { label: `Open "${n}"`, actions: [click(ctx.link(n))] };
};

export const clickButton = (name) => (ctx) => {
  const n = resolve(ctx, name);
  return { label: `Press "${n}"`, actions: [click(ctx.button(n))] };
};

/** The loop may cap actions per step (profiles differ); the oracle never asks for more. */
export const MAX_ACTIONS_PER_STEP = 5;

/**
 * Fills fields by label, then presses `submit`. A value of true/false sets a checkbox or picks a
 * radio button; a <select> gets its option chosen; anything else is typed. Fields already holding
 * their value are left alone, so a long form is filled over several steps (the stage repeats)
 * without retyping.
 */
export const fill = (fields, submit) => (ctx) => {
  const actions = [];
  const list = resolve(ctx, fields);
  for (const [name, raw] of list) {
    const el = ctx.field(name);
    const value = resolve(ctx, raw);
    const current = (el.value ?? '').trim().toLowerCase();
    if (typeof value === 'boolean') {
      if ((el.states ?? []).includes('checked') !== value) actions.push(click(el));
    } else if (el.tag === 'select') {
      if (!current.startsWith(String(value).toLowerCase())) actions.push(choose(el, String(value)));
    } else if (current !== String(value).toLowerCase()) actions.push(type(el, String(value)));
  }
  const label = `Fill in ${list.map(([n]) => String(n)).join(', ')}`;
  if (actions.length + (submit === undefined ? 0 : 1) > MAX_ACTIONS_PER_STEP) {
    return { label, actions: actions.slice(0, MAX_ACTIONS_PER_STEP), stay: true };
  }
  if (submit !== undefined) actions.push(click(ctx.button(submit)));
  return { label, actions };
};

/** Stores a value read from the page in the plan's memory; acts on nothing. */
export const remember = (key, read) => (ctx) => {
  ctx.memo[key] = read(ctx);
  return null;
};

/** Skips the next `count` stages unless `condition` holds. */
export const onlyIf = (condition, count) => (ctx) => (condition(ctx) ? null : { skip: count });

export const finish = (result) => (ctx) => ({ done: resolve(ctx, result) });
