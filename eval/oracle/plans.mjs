// The oracle's plan for every eval task, by task id. Each plan reads the page it is on and acts
// through the agent's tools; see oracle-kit.mjs for the stage vocabulary.
import { centre, click, clickAt, clickButton, clickLink, confirm, drag, fill, finish, gridOf, hover, onlyIf, press, readValue, remember, sameRow, searchFor, selectText, type } from './oracle-kit.mjs';

// ---------- shop ----------

/** "- Red Kettle – $39.00 – rated 4.2 of 5 – 5 in stock" lines of a product list. */
function productsOn(ctx) {
  return ctx.text
    .split('\n')
    .map((line) => /^- (.+?) – \$([\d.]+) – rated ([\d.]+) of 5 – (out of stock|(\d+) in stock)/.exec(line))
    .filter(Boolean)
    .map((m) => ({ name: m[1], price: Number(m[2]), rating: Number(m[3]), stock: m[5] === undefined ? 0 : Number(m[5]) }));
}

const pickProduct = (choose) =>
  remember('product', (ctx) => {
    const product = choose(productsOn(ctx));
    if (product === undefined) throw new Error('no product fits');
    return product.name;
  });

const addToCart = (quantity) => fill([['Quantity', String(quantity)]], 'Add to cart');

const addProduct = (query, name, quantity) => [searchFor('Search products', query), clickLink(name), addToCart(quantity)];

const DELIVERY = { standard: /^Standard delivery/, express: /^Express delivery/, pickup: /^Store pickup/ };

const checkout = ({ name, street, city, delivery }) => [
  clickLink('Proceed to checkout'),
  fill(
    [['Full name', name], ...(street ? [['Street address', street]] : []), ...(city ? [['City', city]] : []), [DELIVERY[delivery], true]],
    'Place order',
  ),
  finish((ctx) => `Order ${ctx.grab(/Order number: (A\d+)/, 'order number')} placed. ${ctx.grab(/(Total charged: \$[\d.]+)/, 'total')}.`),
];

const cheapest = (list) => [...list].sort((a, b) => a.price - b.price)[0];
const bestRated = (list) => [...list].sort((a, b) => b.rating - a.rating)[0];

// ---------- Findr ----------

const openDoc = (query, title) => [searchFor('Search Findr', query), clickLink(title)];
const number = (text) => Number(String(text).replace(/[^\d.]/g, ''));

// ---------- SkyHop ----------

/** Rows of the results table: "SH 133 | 06:10 | 09:40 | 3 h 30 min | Direct | $157 | Select". */
function flightsOn(ctx) {
  const minutes = (hhmm) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return ctx.text
    .split('\n')
    .map((line) => /^(SH \d+) \| (\d\d:\d\d) \| (\d\d:\d\d)( \(\+1 day\))? \| [^|]+ \| (Direct|1 stop) \| \$(\d+)/.exec(line))
    .filter(Boolean)
    .map((m) => ({ number: m[1], departs: minutes(m[2]), arrives: minutes(m[3]) + (m[4] ? 1440 : 0), direct: m[5] === 'Direct', price: Number(m[6]) }));
}

const findFlights = (from, to, date, passengers = 1) =>
  fill([['From', from], ['To', to], ['Date', date], ['Passengers', String(passengers)]], 'Search flights');

const pickFlight = (choose) =>
  remember('flight', (ctx) => {
    const flight = choose(flightsOn(ctx));
    if (flight === undefined) throw new Error('no flight fits');
    return flight.number;
  });

const bookPicked = (passengers, email, cabin) => [
  clickButton((ctx) => `Select flight ${ctx.memo.flight}`),
  fill(
    [
      ...passengers.flatMap(([first, last], i) => [
        [`Passenger ${i + 1} first name`, first],
        [`Passenger ${i + 1} last name`, last],
      ]),
      ['Contact email', email],
      ['Cabin', cabin],
    ],
    'Continue',
  ),
  clickButton('Confirm booking'),
  finish((ctx) => `Booked ${ctx.memo.flight}, reference ${ctx.grab(/reference is (SKY\d+)/, 'reference')}.`),
];

// ---------- signup ----------

const accountStep = (username, email, password) =>
  fill([['Username', username], ['Email', email], ['Password', password], ['Confirm password', password]], 'Continue');
const profileStep = (fullName, country, newsletter) =>
  fill([['Full name', fullName], ['Country', country], ['Send me the monthly newsletter', newsletter]], 'Continue');
const planStep = (plan) => fill([[new RegExp(`^${plan} –`), true], ['I accept the terms of service', true]], 'Create account');
const welcome = finish((ctx) => ctx.grab(/(Your account .+ is ready[^\n]*)/, 'welcome'));

const support = (fields) => [fill([...fields], 'Send request'), finish((ctx) => ctx.grab(/(Ticket T-\d+ received)/, 'ticket'))];

// ---------- Postbox ----------

const openMail = (subject) => clickLink(subject);
const compose = (to, subject, body) => [clickLink('Compose'), fill([['To', to], ['Subject', subject], ['Message', body]], 'Send'), finish('Sent.')];

// ---------- widgets ----------

const act = (label, actions) => ({ label, actions });
const looks = (pattern) => (e) => e.looks !== undefined && pattern.test(e.looks);

/** Expands each folder of `path` that is still closed (one a step: its children appear), then chooses `file`. */
const treeChoose = (path, file) => (ctx) => {
  for (const folder of path) {
    const el = ctx.one((e) => e.role === 'clickable' && (e.name === `▸ ${folder}` || e.name === `▾ ${folder}`), `folder ${folder}`);
    if (el.name.startsWith('▸')) return { ...act(`Expand ${folder}`, [click(el)]), stay: true };
  }
  return act(`Choose ${file}`, [click(ctx.clickable(file))]);
};

/** The star or trash icon in the row of the message from `sender`. */
const rowIcon = (sender, isIcon) => (ctx) => sameRow(ctx.all(isIcon), ctx.one((e) => e.role === 'clickable' && e.name.includes(sender), `row from ${sender}`));

/** The noughts-and-crosses cells: square clickables of 40 px or more, as 3 rows of 3. */
const cells = (ctx) => gridOf(ctx.all((e) => e.role === 'clickable' && e.box.width >= 40 && Math.abs(e.box.width - e.box.height) <= 4));
const CELL = { 'top-left': [0, 0], centre: [1, 1], 'bottom-right': [2, 2] };

const pickSwatch = (colour) => (ctx) => act(`Pick ${colour}, apply`, [click(ctx.looking(new RegExp(`^colour #[0-9a-f]{6} ${colour}$`))), click(ctx.button('Apply'))]);

/** Seats of the seat map: the SVG rects, as rows 1–4 of seats A–D. */
const seat = (ctx, name) => {
  const rows = gridOf(ctx.all(looks(/^rect, fill/)));
  return rows[Number(name[0]) - 1][name.charCodeAt(1) - 65];
};

const canvasOf = (ctx) => ctx.one((e) => e.tag === 'canvas', 'canvas');

/** One drag of the sortable list: the first book out of place is dragged onto the top quarter of the one in its slot. */
const sortStep = (wanted) => (ctx) => {
  const items = ctx.all((e) => e.role === 'clickable' && wanted.includes(e.name)).sort((a, b) => a.box.y - b.box.y);
  const slot = items.findIndex((e, i) => e.name !== wanted[i]);
  if (slot === -1) return act('Save order', [click(ctx.button('Save order'))]);
  const book = items.find((e) => e.name === wanted[slot]);
  const there = items[slot];
  return { ...act(`Drag ${book.name} above ${there.name}`, [drag(book, { x: centre(there).x, y: Math.round(there.box.y + there.box.height / 4) })]), stay: true };
};

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Pages the calendar back until `month year` shows (one month a step), then clicks the day. */
const calendarPick = (day, month, year) => (ctx) => {
  const shown = ctx.grab(new RegExp(`((?:${MONTHS.join('|')}) \\d{4})`), 'shown month');
  const [name, y] = shown.split(' ');
  const diff = (Number(y) - year) * 12 + (MONTHS.indexOf(name) - MONTHS.indexOf(month));
  if (diff > 0) return { ...act(`Back from ${shown}`, [click(ctx.button('Previous month'))]), stay: true };
  if (diff < 0) return { ...act(`Forward from ${shown}`, [click(ctx.button('Next month'))]), stay: true };
  return act(`Pick ${day} ${month} ${year}`, [click(ctx.clickable(String(day)))]);
};

export const PLANS = {
  // research
  'research-deeper-lake': [
    ...openDoc('Lake Varn', 'Lake Varn'),
    remember('varn', (ctx) => number(ctx.fact('Maximum depth'))),
    ...openDoc('Lake Osel', 'Lake Osel'),
    finish((ctx) => {
      const osel = number(ctx.fact('Maximum depth'));
      return ctx.memo.varn > osel ? `Lake Varn, ${ctx.memo.varn} m deep` : `Lake Osel, ${osel} m deep`;
    }),
  ],
  'research-city-population': [...openDoc('Marbury', 'Marbury (city)'), finish((ctx) => ctx.fact('Population'))],
  'research-founding-gap': [
    ...openDoc('Tolsen', 'Tolsen (city)'),
    remember('tolsen', (ctx) => number(ctx.fact('Founded'))),
    ...openDoc('Marbury', 'Marbury (city)'),
    finish((ctx) => `${Math.abs(ctx.memo.tolsen - number(ctx.fact('Founded')))} years`),
  ],
  'research-inventor': [...openDoc('Harrow loom', 'The Harrow loom'), finish((ctx) => `${ctx.fact('Inventor')}, ${ctx.fact('Year')}`)],
  'research-twelfth-result': [
    searchFor('Search Findr', 'lake'),
    clickLink('Next page'),
    // Page 2 holds results 11–20: the 12th is its second result.
    finish((ctx) => ctx.links((e) => (e.href ?? '').includes('/search/doc/'))[1].name),
  ],
  'research-longer-bridge': [
    ...openDoc('Kessler Bridge', 'Kessler Bridge'),
    remember('kessler', (ctx) => number(ctx.fact('Length'))),
    ...openDoc('Amsel Bridge', 'Amsel Bridge'),
    finish((ctx) => {
      const amsel = number(ctx.fact('Length'));
      return amsel > ctx.memo.kessler ? `Amsel Bridge, ${amsel} m` : `Kessler Bridge, ${ctx.memo.kessler} m`;
    }),
  ],
  'research-twin-city-mayor': [
    ...openDoc('Ellsworth', 'Ellsworth (city)'),
    remember('twin', (ctx) => ctx.fact('Twin city')),
    ...openDoc((ctx) => ctx.memo.twin, (ctx) => `${ctx.memo.twin} (city)`),
    finish((ctx) => `${ctx.fact('Mayor')} is the mayor of ${ctx.memo.twin}.`),
  ],
  'research-lake-json': [
    ...openDoc('Lake Osel', 'Lake Osel'),
    finish((ctx) => ({ area_km2: number(ctx.fact('Surface area').replace('km²', '')), depth_m: number(ctx.fact('Maximum depth')) })),
  ],

  // forms
  'forms-newsletter-ada': [
    fill([['Full name', 'Ada Lovelace'], ['Email', 'ada@example.com'], ['Country', 'France'], ['I accept the terms', true]], 'Register'),
    finish((ctx) => ctx.grab(/(Thank you, [^\n]+)/, 'thanks')),
  ],
  'forms-signup-pro': [
    accountStep('maria_g', 'maria.garcia@example.com', 'Sunset2026'),
    profileStep('Maria Garcia', 'Spain', false),
    planStep('Pro'),
    welcome,
  ],
  'forms-signup-taken-username': [
    accountStep('jdoe', 'john.doe@example.com', 'Harbor77x'),
    onlyIf((ctx) => ctx.has('is already taken'), 1),
    accountStep('jdoe2026', 'john.doe@example.com', 'Harbor77x'),
    profileStep('John Doe', 'Canada', true),
    planStep('Free'),
    welcome,
  ],
  'forms-signup-password-rule': [
    accountStep('lnovak', 'lena.novak@example.com', 'bluebird'),
    onlyIf((ctx) => ctx.has('Passwords need at least 8 characters'), 1),
    accountStep('lnovak', 'lena.novak@example.com', 'bluebird7'),
    profileStep('Lena Novak', 'Germany', false),
    planStep('Team'),
    welcome,
  ],
  'forms-support-return': support([
    ['Topic', 'Returns'],
    ['Order number', 'A1234'],
    ['Your email', 'kate.moss@example.com'],
    ['How can we help?', 'The teapot in order A1234 arrived cracked. I would like a replacement.'],
  ]),
  'forms-support-urgent-billing': support([
    ['Topic', 'Billing'],
    ['Order number', 'A2001'],
    ['Your email', 'raj.patel@example.com'],
    ['How can we help?', 'I was charged twice for order A2001. Please refund the double charge.'],
    ['This is urgent', true],
  ]),
  'forms-support-general': support([
    ['Topic', 'Other'],
    ['Your email', 'ola.nordmann@example.com'],
    ['How can we help?', 'Hello, do you ship orders to Iceland?'],
  ]),

  // shopping
  'shop-two-blue-mugs': [...addProduct('blue mug', 'Blue Mug', 2), ...checkout({ name: 'Jane Smith', street: '12 Rose Lane', city: 'Springfield', delivery: 'standard' })],
  'shop-cheapest-kettle': [
    searchFor('Search products', 'kettle'),
    pickProduct(cheapest),
    clickLink((ctx) => ctx.memo.product),
    addToCart(1),
    ...checkout({ name: 'Tom Baker', street: '4 Elm Street', city: 'Riverton', delivery: 'express' }),
  ],
  'shop-best-rated-garden': [
    clickLink('Garden'),
    pickProduct(bestRated),
    clickLink((ctx) => ctx.memo.product),
    addToCart(1),
    ...checkout({ name: 'Lee Chen', delivery: 'pickup' }),
  ],
  'shop-teapot-price-stock': [
    searchFor('Search products', 'teapot'),
    clickLink('Green Teapot'),
    finish((ctx) => `${ctx.grab(/Price: (\$[\d.]+)/, 'price')}, ${ctx.grab(/In stock: (\d+)/, 'stock')} in stock`),
  ],
  'shop-cart-adjust': [
    ...addProduct('gel pen', 'Gel Pen Set', 3),
    ...addProduct('notebook', 'A5 Notebook', 1),
    fill([['Quantity of Gel Pen Set', '2']], 'Update quantity of Gel Pen Set'),
    ...checkout({ name: 'Ana Ruiz', street: '9 Oak Road', city: 'Lakeside', delivery: 'standard' }),
  ],
  'shop-out-of-stock-fallback': [
    searchFor('Search products', 'white mug'),
    clickLink('White Mug'),
    onlyIf((ctx) => ctx.has('Out of stock'), 2),
    searchFor('Search products', 'blue mug'),
    clickLink('Blue Mug'),
    addToCart(1),
    ...checkout({ name: 'Omar Haddad', street: '77 Mill Street', city: 'Dover', delivery: 'standard' }),
  ],
  'shop-electronics-constraint': [
    clickLink('Electronics'),
    pickProduct((list) => cheapest(list.filter((p) => p.rating >= 4.4 && p.stock > 0))),
    clickLink((ctx) => ctx.memo.product),
    addToCart(1),
    ...checkout({ name: 'Nina Petrova', street: '3 Harbour View', city: 'Port Ellen', delivery: 'standard' }),
  ],
  'shop-compare-lamps': [
    searchFor('Search products', 'desk lamp'),
    pickProduct((list) => bestRated(list.filter((p) => p.name === 'Desk Lamp' || p.name === 'LED Desk Lamp'))),
    clickLink((ctx) => ctx.memo.product),
    addToCart(1),
    ...checkout({ name: 'Paul Grant', street: '21 Station Road', city: 'Ashford', delivery: 'express' }),
  ],
  'shop-cart-total': [
    ...addProduct('spoon', 'Steel Spoon', 4),
    ...addProduct('blue mug', 'Blue Mug', 1),
    finish((ctx) => `The subtotal is ${ctx.grab(/Subtotal: (\$[\d.]+)/, 'subtotal')} before delivery.`),
  ],

  // booking
  'book-cheapest-answer': [
    findFlights('Oslo', 'Rome', '2026-12-10'),
    pickFlight(cheapest),
    finish((ctx) => ctx.memo.flight),
  ],
  'book-cheapest-paris-berlin': [
    findFlights('Paris', 'Berlin', '2026-11-05'),
    pickFlight(cheapest),
    ...bookPicked([['Maria', 'Lopez']], 'maria.lopez@example.com', 'Economy'),
  ],
  'book-earliest-direct': [
    findFlights('Madrid', 'Vienna', '2026-10-20'),
    pickFlight((list) => list.filter((f) => f.direct).sort((a, b) => a.departs - b.departs)[0]),
    ...bookPicked([['John', 'Smith']], 'john.smith@example.com', 'Economy'),
  ],
  'book-two-passengers': [
    findFlights('Lisbon', 'Athens', '2026-09-15', 2),
    pickFlight(cheapest),
    ...bookPicked([['Ana', 'Silva'], ['Rui', 'Costa']], 'ana.silva@example.com', 'Economy'),
  ],
  'book-business-afternoon': [
    findFlights('Berlin', 'Lisbon', '2026-12-01'),
    pickFlight((list) => cheapest(list.filter((f) => f.direct && f.departs > 12 * 60))),
    ...bookPicked([['Chen', 'Wei']], 'chen.wei@example.com', 'Business'),
  ],
  'book-latest-price': [
    findFlights('Vienna', 'Oslo', '2026-07-03'),
    finish((ctx) => {
      const last = flightsOn(ctx).sort((a, b) => b.departs - a.departs)[0];
      return `${last.number} costs $${last.price} in economy.`;
    }),
  ],
  'book-arrive-by': [
    findFlights('Berlin', 'Athens', '2026-06-18'),
    pickFlight((list) => cheapest(list.filter((f) => f.arrives <= 14 * 60))),
    ...bookPicked([['Tom', 'Hale']], 'tom.hale@example.com', 'Premium economy'),
  ],
  'book-compare-dates': [
    findFlights('Oslo', 'Madrid', '2026-05-04'),
    remember('first', (ctx) => cheapest(flightsOn(ctx)).price),
    clickLink('New search'),
    findFlights('Oslo', 'Madrid', '2026-05-05'),
    finish((ctx) => {
      const second = cheapest(flightsOn(ctx)).price;
      return ctx.memo.first < second ? `2026-05-04 is cheaper: $${ctx.memo.first}` : `2026-05-05 is cheaper: $${second}`;
    }),
  ],

  // webmail
  'mail-confirmation-code': [openMail('Your booking confirmation'), finish((ctx) => ctx.grab(/confirmation code is (\w+)/, 'code'))],
  'mail-reply-dana': [
    openMail('Project kickoff'),
    clickLink('Reply'),
    fill([['Message', 'Hi Dana, Thursday at 10 works for me. See you then! Alex']], 'Send'),
    finish('Replied to Dana: Thursday at 10 works.'),
  ],
  'mail-archive-digests': [
    // Stage 0: open the next digest still in the inbox, or finish when none is left.
    (ctx) => {
      const digest = ctx.links((e) => e.name.startsWith('Weekly Digest:'))[0];
      if (digest === undefined) return { done: 'Archived every Weekly Digest newsletter.' };
      return { label: `Open "${digest.name}"`, actions: [{ tool: 'click', args: { index: digest.index } }] };
    },
    (ctx) => ({ ...clickButton('Archive')(ctx), next: 0 }),
  ],
  'mail-send-lunch': compose('sam.lee@example.com', 'Lunch', 'Hi Sam, are you free for lunch on Friday? Alex'),
  'mail-file-invoice': [openMail('Invoice #4471 for February'), fill([['Move to folder', 'Receipts']], 'Move'), finish('Moved the invoice to Receipts.')],
  'mail-wifi-password': [
    searchFor('Search mail', 'Wi-Fi'),
    openMail('New office Wi-Fi'),
    finish((ctx) => ctx.grab(/new password is ([\w-]+)/, 'password')),
  ],
  'mail-invoice-amount': [
    openMail('Invoice #4471 for February'),
    finish((ctx) => ctx.grab(/(Amount due: \$[\d.]+, payable by [^.]+)/, 'amount')),
  ],
  'mail-forward-report-figure': [
    openMail('Quarterly report draft'),
    remember('revenue', (ctx) => ctx.grab(/revenue figure on page 3 is ([\d.]+ million)/, 'revenue')),
    clickLink('Compose'),
    fill((ctx) => [['To', 'sam.lee@example.com'], ['Subject', 'Revenue'], ['Message', `Hi Sam, the revenue figure in the quarterly report draft is ${ctx.memo.revenue}.`]], 'Send'),
    finish('Sent the revenue figure to Sam.'),
  ],

  // widgets
  'widgets-span-nav': [(ctx) => act('Open Careers', [click(ctx.clickable('Careers'))]), confirm('Saved: open Careers', 'Opened the Careers section.')],
  'widgets-span-like': [
    (ctx) => act('Like the post', [click(sameRow(ctx.all(looks(/^icon heart$/)), ctx.clickable('Autumn harvest recipes')))]),
    confirm('Saved: like Autumn harvest recipes', "Liked 'Autumn harvest recipes'."),
  ],
  'widgets-tree-report': [treeChoose(['Documents', 'Reports'], 'Q2-summary.pdf'), confirm('Saved: choose Documents/Reports/Q2-summary.pdf', 'Chose Q2-summary.pdf.')],
  'widgets-tree-photo': [treeChoose(['Photos', '2026'], 'beach.jpg'), confirm('Saved: choose Photos/2026/beach.jpg', 'Chose beach.jpg from 2026.')],
  'widgets-inbox-open': [
    (ctx) => act('Open the Nordic Air email', [click(ctx.one((e) => e.role === 'clickable' && e.name.includes('Nordic Air'), 'Nordic Air row'))]),
    confirm('Saved: open Your booking confirmation', (ctx) => `The confirmation code is ${ctx.grab(/confirmation code is ([\w-]+)/, 'code')}.`),
  ],
  'widgets-inbox-star': [
    (ctx) => act("Star Priya's email", [click(rowIcon('Priya Raman', (e) => e.name === 'Star')(ctx))]),
    confirm('Saved: star Quarterly report draft', "Starred Priya Raman's email."),
  ],
  'widgets-inbox-trash': [
    (ctx) => act('Trash the digest', [click(rowIcon('Weekly Digest', looks(/^icon trash$/))(ctx))]),
    confirm('Saved: trash Ten tools for spring', 'Deleted the Weekly Digest email.'),
  ],
  'widgets-grid-centre': [(ctx) => act('Mark the centre', [click(cells(ctx)[1][1])]), confirm('Saved: mark centre', 'X is in the centre.')],
  'widgets-grid-diagonal': [
    (ctx) => act('Mark the diagonal', ['top-left', 'centre', 'bottom-right'].map((n) => click(cells(ctx)[CELL[n][0]][CELL[n][1]]))),
    confirm('Saved: mark bottom-right', 'X is on the diagonal.'),
  ],
  'widgets-swatch-green': [pickSwatch('green'), confirm('Saved: apply #388e3c', 'Applied green.')],
  'widgets-swatch-purple': [pickSwatch('purple'), confirm('Saved: apply #7b1fa2', 'Applied purple.')],
  'widgets-svg-red-circle': [(ctx) => act('Click the red circle', [clickAt(centre(ctx.looking(/^circle, fill #[0-9a-f]{6} red$/)))]), confirm('Saved: choose red circle', 'Clicked the red circle.')],
  'widgets-svg-green-square': [(ctx) => act('Click the green square', [clickAt(centre(ctx.looking(/^rect, fill #[0-9a-f]{6} green$/)))]), confirm('Saved: choose green square', 'Chose the green square.')],
  'widgets-svg-seat': [(ctx) => act('Take 3B', [clickAt(centre(seat(ctx, '3B')))]), confirm('Saved: take 3B', 'Took seat 3B.')],
  'widgets-svg-two-seats': [(ctx) => act('Take 1D and 4A', [clickAt(centre(seat(ctx, '1D'))), clickAt(centre(seat(ctx, '4A')))]), confirm('Saved: take 4A', 'Took seats 1D and 4A.')],
  'widgets-canvas-centre': [(ctx) => act('Click the canvas centre', [clickAt(centre(canvasOf(ctx)))]), confirm('Saved: click', 'Clicked the centre of the canvas.')],
  'widgets-canvas-target': [
    (ctx) => {
      const [x, y] = [Number(ctx.grab(/target is drawn at x = (\d+)/, 'x')), Number(ctx.grab(/target is drawn at x = \d+, y = (\d+)/, 'y'))];
      const box = canvasOf(ctx).box;
      return act(`Click the target at ${x},${y}`, [clickAt({ x: box.x + x, y: box.y + y })]);
    },
    confirm('Saved: click', 'Clicked the target.'),
  ],
  'widgets-dnd-books': [(ctx) => act('Drag Books to the South van', [drag(ctx.one((e) => e.name === 'Books', 'Books'), ctx.one((e) => e.name === 'South van', 'South van'))]), confirm('Saved: drop Books in South van', 'Books is in the South van.')],
  'widgets-dnd-both': [
    (ctx) => act('Drag Lamp north', [drag(ctx.one((e) => e.name === 'Lamp', 'Lamp'), ctx.one((e) => e.name.startsWith('North van'), 'North van'))]),
    (ctx) => act('Drag Books south', [drag(ctx.one((e) => e.name === 'Books', 'Books'), ctx.one((e) => e.name.startsWith('South van'), 'South van'))]),
    confirm('Saved: drop Books in South van', 'Both parcels are in their vans.'),
  ],
  'widgets-sort-top': [sortStep(['Ulysses', 'Dune', 'Emma', 'Beloved']), confirm('Saved: save Ulysses, Dune, Emma, Beloved', 'Ulysses is at the top.')],
  'widgets-sort-alpha': [sortStep(['Beloved', 'Dune', 'Emma', 'Ulysses']), confirm('Saved: save Beloved, Dune, Emma, Ulysses', 'The list is sorted.')],
  'widgets-slider': [
    (ctx) => {
      const thumb = ctx.one((e) => e.role === 'slider' && e.name === 'Volume', 'Volume slider');
      const c = centre(thumb);
      // The bar: the widest drawn element holding the knob's centre.
      const bar = ctx.all((e) => e !== thumb && e.box.width > thumb.box.width && e.box.x <= c.x && c.x <= e.box.x + e.box.width && Math.abs(centre(e).y - c.y) <= e.box.height)[0];
      if (bar === undefined) throw new Error('no slider bar');
      return act('Drag the knob to 70', [drag(thumb, { x: Math.round(bar.box.x + bar.box.width * 0.7), y: c.y })]);
    },
    confirm('Saved: set 70', 'The volume is 70.'),
  ],
  'widgets-calendar': [calendarPick(14, 'January', 2026), confirm('Saved: pick 2026-01-14', 'Chose 14 January 2026.')],
  'widgets-highlight': [
    (ctx) => act('Select and highlight', [selectText('the river floods every spring'), click(ctx.button('Highlight'))]),
    confirm('Saved: highlight the river floods every spring', 'Highlighted the phrase.'),
  ],
  'widgets-autocomplete-pick': [
    (ctx) => act('Type Por', [type(ctx.field('Destination'), 'Por')]),
    (ctx) => act('Choose Porto, search', [click(ctx.clickable('Porto')), click(ctx.button('Search trips'))]),
    confirm('Saved: search Porto', 'Searched trips to Porto.'),
  ],
  'widgets-autocomplete-typed': [
    (ctx) => act('Type Li', [type(ctx.field('Destination'), 'Li')]),
    // The suggestions cover the button: close them first.
    (ctx) => act('Close the list, search', [press('Escape'), click(ctx.button('Search trips'))]),
    confirm('Saved: search Li.', "Searched trips for 'Li'."),
  ],
  'widgets-editor-colour': [
    (ctx) => act('Select soon, open the menu', [selectText('soon', ctx.field('Note')), hover(ctx.button('Text colour'))]),
    (ctx) => act('Red, save', [click(ctx.looking(/^colour #[0-9a-f]{6} red$/)), click(ctx.button('Save note'))]),
    confirm('Saved: save', "Made 'soon' red and saved the note."),
  ],
  'widgets-log-code': [
    (ctx) => act('Read the whole log', [readValue(ctx.field('Build log'))]),
    remember('code', (ctx) => {
      const lines = String(ctx.lastResult?.message ?? '').trim().split('\n');
      const m = /release code ([\w-]+)/.exec(lines[lines.length - 1] ?? '');
      if (m === null) throw new Error(`no release code in the log's last line: ${lines[lines.length - 1]}`);
      return m[1];
    }),
    (ctx) => act('Submit the code', [type(ctx.field('Release code'), ctx.memo.code), click(ctx.button('Submit'))]),
    confirm((ctx) => `Saved: submit ${ctx.memo.code}`, (ctx) => `Submitted ${ctx.memo.code}.`),
  ],
};
