import type { FixtureState, ShopOrder } from '../../fixtures/fixture-state.ts';
import { answerContains, expectAll, fail, normalize, type CheckResult, type EvalTask } from '../eval-task.ts';

/** The one order the task should have placed, checked line by line and address by address. */
function checkOrder(
  state: FixtureState,
  want: { lines: Record<string, number>; name: string; street?: string; city?: string; delivery: ShopOrder['delivery'] },
): CheckResult {
  if (state.shop.orders.length !== 1) return fail(`expected exactly one order, found ${state.shop.orders.length}`);
  const order = state.shop.orders[0]!;
  const lines = Object.fromEntries(order.lines.map((l) => [l.slug, l.quantity]));
  return expectAll([
    [`lines ${JSON.stringify(want.lines)} (got ${JSON.stringify(lines)})`, JSON.stringify(lines) === JSON.stringify(want.lines)],
    [`name ${want.name} (got ${order.name})`, normalize(order.name) === normalize(want.name)],
    [`street ${want.street ?? '-'} (got ${order.street})`, want.street === undefined || normalize(order.street).includes(normalize(want.street))],
    [`city ${want.city ?? '-'} (got ${order.city})`, want.city === undefined || normalize(order.city) === normalize(want.city)],
    [`delivery ${want.delivery} (got ${order.delivery})`, order.delivery === want.delivery],
  ]);
}

export const SHOPPING_TASKS: EvalTask[] = [
  {
    id: 'shop-two-blue-mugs',
    suite: 'shopping',
    task: 'Order two Blue Mugs with standard delivery to Jane Smith, 12 Rose Lane, Springfield.',
    startPath: '/shop/',
    check: (s) => checkOrder(s, { lines: { 'blue-mug': 2 }, name: 'Jane Smith', street: '12 Rose Lane', city: 'Springfield', delivery: 'standard' }),
  },
  {
    id: 'shop-cheapest-kettle',
    suite: 'shopping',
    task: 'Buy the cheapest kettle in the shop. Ship it by express delivery to Tom Baker, 4 Elm Street, Riverton.',
    startPath: '/shop/',
    check: (s) => checkOrder(s, { lines: { 'red-kettle': 1 }, name: 'Tom Baker', street: '4 Elm Street', city: 'Riverton', delivery: 'express' }),
  },
  {
    id: 'shop-best-rated-garden',
    suite: 'shopping',
    task: 'Order the best-rated product in the Garden category for store pickup. The order is for Lee Chen.',
    startPath: '/shop/',
    check: (s) => checkOrder(s, { lines: { 'large-clay-pot': 1 }, name: 'Lee Chen', delivery: 'pickup' }),
  },
  {
    id: 'shop-teapot-price-stock',
    suite: 'shopping',
    task: 'How much does the Green Teapot cost, and how many are in stock? Answer like "$24.00, 3 in stock". Do not order anything.',
    startPath: '/shop/',
    check: (s, done) => (s.shop.orders.length > 0 ? fail('an order was placed') : answerContains(done, '$24.75', /\b8\b/)),
  },
  {
    id: 'shop-cart-adjust',
    suite: 'shopping',
    task: 'Put 3 Gel Pen Sets and one A5 Notebook in the cart, then change the pens to 2 and check out with standard delivery to Ana Ruiz, 9 Oak Road, Lakeside.',
    startPath: '/shop/',
    check: (s) => checkOrder(s, { lines: { 'gel-pen-set': 2, 'a5-notebook': 1 }, name: 'Ana Ruiz', street: '9 Oak Road', city: 'Lakeside', delivery: 'standard' }),
  },
  {
    id: 'shop-out-of-stock-fallback',
    suite: 'shopping',
    task: 'Order one White Mug for Omar Haddad, 77 Mill Street, Dover, standard delivery. If the White Mug is out of stock, order one Blue Mug instead.',
    startPath: '/shop/',
    check: (s) => checkOrder(s, { lines: { 'blue-mug': 1 }, name: 'Omar Haddad', street: '77 Mill Street', city: 'Dover', delivery: 'standard' }),
  },
  {
    id: 'shop-electronics-constraint',
    suite: 'shopping',
    task: 'Buy the cheapest Electronics product that is rated at least 4.4 stars. Standard delivery to Nina Petrova, 3 Harbour View, Port Ellen.',
    startPath: '/shop/',
    check: (s) => checkOrder(s, { lines: { 'usb-c-charger': 1 }, name: 'Nina Petrova', street: '3 Harbour View', city: 'Port Ellen', delivery: 'standard' }),
  },
  {
    id: 'shop-compare-lamps',
    suite: 'shopping',
    task: 'Compare the Desk Lamp and the LED Desk Lamp and order the one with the higher rating, express delivery to Paul Grant, 21 Station Road, Ashford.',
    startPath: '/shop/',
    check: (s) => checkOrder(s, { lines: { 'desk-lamp': 1 }, name: 'Paul Grant', street: '21 Station Road', city: 'Ashford', delivery: 'express' }),
  },
  {
    id: 'shop-cart-total',
    suite: 'shopping',
    task: 'What would 4 Steel Spoons and 1 Blue Mug cost together before delivery? Use the cart to find out, but do not place the order. Answer with the subtotal.',
    startPath: '/shop/',
    check: (s, done) => (s.shop.orders.length > 0 ? fail('an order was placed') : answerContains(done, '25.30')),
  },
];
