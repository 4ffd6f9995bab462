import type { FixtureState } from '../../fixtures/fixture-state.ts';
import { answerContains, expectAll, fail, pass, type CheckResult, type EvalTask } from '../eval-task.ts';

// Widgets without semantics (issue 11): each page (fixtures/sites/widgets/) reports what was done
// with POST /widgets/api/<page>, so every check reads what the server received.

/** The values the page reported for this action, in order. */
const reported = (state: FixtureState, page: string, action: string): string[] =>
  state.widgets.events.filter((e) => e.page === page && e.action === action).map((e) => e.value);

/** Exactly these values were reported for the action (in any order), and nothing else for it. */
function exactly(state: FixtureState, page: string, action: string, want: string[]): CheckResult {
  const got = reported(state, page, action);
  const same = got.length === want.length && [...got].sort().join('|') === [...want].sort().join('|');
  return same ? pass(`${action}: ${got.join(', ')}`) : fail(`expected ${page} ${action} of ${want.join(', ')}; got ${got.length === 0 ? 'none' : got.join(', ')}`);
}

/** The last value reported for the action is `want`. */
function lastIs(state: FixtureState, page: string, action: string, want: string): CheckResult {
  const got = reported(state, page, action).at(-1);
  return got === want ? pass(`${action}: ${got}`) : fail(`expected the last ${page} ${action} to be ${want}; got ${got ?? 'none'}`);
}

/** One canvas click reported, within `tolerance` canvas pixels of (x, y). */
function canvasClickNear(state: FixtureState, x: number, y: number, tolerance = 6): CheckResult {
  const clicks = reported(state, 'canvas', 'click').map((v) => v.split(',').map(Number) as [number, number]);
  if (clicks.length !== 1) return fail(`expected one click on the canvas, got ${clicks.length}`);
  const [cx, cy] = clicks[0]!;
  return Math.hypot(cx - x, cy - y) <= tolerance ? pass(`clicked ${cx},${cy}`) : fail(`clicked ${cx},${cy}, not within ${tolerance} px of ${x},${y}`);
}

const task = (id: string, startPage: string, text: string, check: EvalTask['check']): EvalTask => ({ id, suite: 'widgets', task: text, startPath: `/widgets/${startPage}`, check });

export const WIDGETS_TASKS: EvalTask[] = [
  // Span links: text with a click listener, no href or role.
  task('widgets-span-nav', 'spans.html', 'Open the Careers section of the Northwind site.', (s) => exactly(s, 'spans', 'open', ['Careers'])),
  task('widgets-span-like', 'spans.html', "Like the Northwind post 'Autumn harvest recipes'.", (s) => exactly(s, 'spans', 'like', ['Autumn harvest recipes'])),
  // A tree: folders expand on click, files are chosen.
  task('widgets-tree-report', 'tree.html', 'In the file tree, choose Q2-summary.pdf from Documents › Reports.', (s) => exactly(s, 'tree', 'choose', ['Documents/Reports/Q2-summary.pdf'])),
  task('widgets-tree-photo', 'tree.html', 'In the file tree, choose the photo beach.jpg from the 2026 folder under Photos (not the one from 2025).', (s) =>
    exactly(s, 'tree', 'choose', ['Photos/2026/beach.jpg']),
  ),
  // A mail list: rows open on click; star and trash are icons without text.
  task('widgets-inbox-open', 'inbox.html', 'Open the email from Nordic Air in Quickmail and tell me the confirmation code in it.', (s, done) => {
    const opened = exactly(s, 'inbox', 'open', ['Your booking confirmation']);
    return opened.success ? answerContains(done, 'NA-5521') : opened;
  }),
  task('widgets-inbox-star', 'inbox.html', "Star Priya Raman's email in Quickmail.", (s) => {
    const starred = exactly(s, 'inbox', 'star', ['Quarterly report draft']);
    return starred.success ? expectAll([[`nothing else done (${reported(s, 'inbox', 'trash').length} trashed)`, reported(s, 'inbox', 'trash').length === 0]]) : starred;
  }),
  task('widgets-inbox-trash', 'inbox.html', 'Delete the Weekly Digest email in Quickmail using its trash icon.', (s) => exactly(s, 'inbox', 'trash', ['Ten tools for spring'])),
  // A grid game: a 3×3 grid of divs.
  task('widgets-grid-centre', 'grid.html', 'In noughts and crosses, put your X in the centre cell.', (s) => exactly(s, 'grid', 'mark', ['centre'])),
  task('widgets-grid-diagonal', 'grid.html', 'In noughts and crosses, put X in the top-left, centre and bottom-right cells.', (s) =>
    exactly(s, 'grid', 'mark', ['top-left', 'centre', 'bottom-right']),
  ),
  // Colour swatches: boxes with no text.
  task('widgets-swatch-green', 'swatches.html', 'Pick the green theme colour and apply it.', (s) => lastIs(s, 'swatches', 'apply', '#388e3c')),
  task('widgets-swatch-purple', 'swatches.html', 'Make purple the theme colour: pick its swatch and press Apply.', (s) => lastIs(s, 'swatches', 'apply', '#7b1fa2')),
  // SVG shapes and an SVG grid.
  task('widgets-svg-red-circle', 'shapes.html', 'Click the red circle (not the red square).', (s) => exactly(s, 'shapes', 'choose', ['red circle'])),
  task('widgets-svg-green-square', 'shapes.html', 'Choose the green square among the shapes.', (s) => exactly(s, 'shapes', 'choose', ['green square'])),
  task('widgets-svg-seat', 'svg-grid.html', 'Take seat 3B on the seat map.', (s) => exactly(s, 'seats', 'take', ['3B'])),
  task('widgets-svg-two-seats', 'svg-grid.html', 'Take seats 1D and 4A on the seat map.', (s) => exactly(s, 'seats', 'take', ['1D', '4A'])),
  // A canvas: nothing inside it is an element.
  task('widgets-canvas-centre', 'canvas.html', 'Click the centre of the target practice canvas.', (s) => canvasClickNear(s, 200, 100)),
  task('widgets-canvas-target', 'canvas.html', 'Click the small target drawn on the target practice canvas.', (s) => canvasClickNear(s, 310, 55)),
  // Drag and drop: HTML5 drag-and-drop, and a list sorted by mouse-event drags.
  task('widgets-dnd-books', 'dnd.html', 'Put the Books parcel into the South van.', (s) => exactly(s, 'dnd', 'drop', ['Books in South van'])),
  task('widgets-dnd-both', 'dnd.html', 'Drag the Lamp parcel into the North van and the Books parcel into the South van.', (s) =>
    exactly(s, 'dnd', 'drop', ['Lamp in North van', 'Books in South van']),
  ),
  task('widgets-sort-top', 'sortable.html', 'Move Ulysses to the top of the reading list and save the order.', (s) => lastIs(s, 'sortable', 'save', 'Ulysses, Dune, Emma, Beloved')),
  task('widgets-sort-alpha', 'sortable.html', 'Sort the reading list alphabetically by title and save the order.', (s) => lastIs(s, 'sortable', 'save', 'Beloved, Dune, Emma, Ulysses')),
  // A custom slider (pointer events with pointer capture).
  task('widgets-slider', 'slider.html', 'Set the speaker volume to 70.', (s) => {
    const last = Number(reported(s, 'slider', 'set').at(-1) ?? NaN);
    return Math.abs(last - 70) <= 1 ? pass(`volume ${last}`) : fail(`volume set to ${Number.isNaN(last) ? 'nothing' : last}, not 70`);
  }),
  // A date picker eleven months back.
  task('widgets-calendar', 'calendar.html', 'Choose 14 January 2026 as the delivery date.', (s) => lastIs(s, 'calendar', 'pick', '2026-01-14')),
  // A text selection read by the page.
  task('widgets-highlight', 'highlight.html', "Highlight the phrase 'the river floods every spring' in the article.", (s) =>
    exactly(s, 'highlight', 'highlight', ['the river floods every spring']),
  ),
  // An autocomplete whose list covers the button below it.
  task('widgets-autocomplete-pick', 'autocomplete.html', 'Search trips to Porto, choosing Porto from the destination suggestions.', (s) => exactly(s, 'autocomplete', 'search', ['Porto'])),
  task('widgets-autocomplete-typed', 'autocomplete.html', "Search trips for the destination text 'Li' exactly as typed, without choosing a suggestion.", (s) =>
    exactly(s, 'autocomplete', 'search', ['Li']),
  ),
  // A rich-text editor's colour menu, shown on hover.
  task('widgets-editor-colour', 'editor.html', "In the note editor, make the word 'soon' red with the Text colour menu, then save the note.", (s) => {
    const html = reported(s, 'editor', 'save').at(-1);
    if (html === undefined) return fail('the note was not saved');
    const red = /<font color="#d32f2f">soon<\/font>|<span style="color: rgb\(211, 47, 47\);">soon<\/span>/.test(html);
    const onlySoon = (html.match(/#d32f2f|rgb\(211, 47, 47\)/g) ?? []).length === 1;
    return red && onlySoon ? pass('soon is red') : fail(`saved ${html.slice(0, 200)}`);
  }),
  // A long textarea whose answer is in its last line.
  task('widgets-log-code', 'log.html', 'Read the build log to its last line and submit the release code given there.', (s) => exactly(s, 'log', 'submit', ['RC-88Q3'])),
];
