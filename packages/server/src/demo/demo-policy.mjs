// Steward's scripted demo policy: the `script:` module every demo session runs (POST
// /v1/demo/sessions), whatever STEWARD_MODEL says. It is not a language model and does not
// pretend to be one: each step is a fixed rule that reads the observation Steward gives any
// model (elements by role and accessible name, the page's text outline) and answers with the
// same tools a model would call. It knows one site, Larkspur Books (site/), and one kind of task,
// the one in demo-task.ts; anything else it declines with a DONE that says so.
//
// Steps: search the shop → sort by rating and set the price limit → record the top three with
// `extract` and open the best → add it to the cart → open the cart → fill the delivery form →
// report the shortlist and the cart (never pressing "Place order"). Per-task state comes from
// `history`, never from this module, which every demo session shares.

const LABEL = 'Scripted demo (not a language model)';
const SHORTLIST_SIZE = 3;
const SHORTLIST_TOOL_RESULT = /^Extracted from [^\n]*:\n/;

/** What the demo task asks for; the words it reads are the ones demo-task.ts writes. */
const TASK_PATTERN = /best-rated (.+?) books under \$(\d+(?:\.\d{1,2})?)\b.*?delivery details for ([^(]+?) \(([^()\s]+@[^()\s]+)\)/is;

const SHORTLIST_SCHEMA = {
  type: 'object',
  properties: {
    books: {
      type: 'array',
      maxItems: SHORTLIST_SIZE,
      items: {
        type: 'object',
        properties: { title: { type: 'string' }, author: { type: 'string' }, rating: { type: 'number' }, price: { type: 'number' } },
        required: ['title', 'author', 'rating', 'price'],
      },
    },
  },
  required: ['books'],
};

export async function decide({ task, observation, history, extraction, screening }) {
  const plan = parseTask(task);
  if (screening !== undefined) return screen(screening);
  if (extraction !== undefined) return extractShortlist(extraction, plan);
  if (plan === undefined) {
    return finish(
      `${LABEL}: this session runs Steward's bundled demo policy, which only knows its own task on the Larkspur Books demo shop. Configure STEWARD_MODEL to run tasks of your own.`,
      false,
    );
  }
  const path = pathOf(observation.url);
  if (path === '/' || path === '/index.html') return search(observation, plan);
  if (path === '/search.html') return shortlist(observation, plan);
  if (path === '/book.html') return addToCart(observation, history);
  if (path === '/cart.html') return checkout(observation, history, plan);
  return finish(`${LABEL}: the page ${observation.url} is not one of the Larkspur Books pages this script knows, so it stops here.`, false);
}

function parseTask(task) {
  const match = TASK_PATTERN.exec(task);
  if (match === null) return undefined;
  const [, genre, budget, name, email] = match;
  return { genre: genre.trim(), budget: Number(budget), name: name.trim(), email };
}

/**
 * Intent screening may ask the task's own policy. The script can vouch only for the task it was
 * written for; anything else stays unscreened, so Steward refuses it (fail-closed) rather than
 * letting a script wave it through.
 */
function screen(screening) {
  if (parseTask(screening.text) === undefined) {
    throw new Error('the scripted demo can only judge its own demo task; configure STEWARD_SCREENING_MODEL or STEWARD_MODEL to screen other tasks');
  }
  return { actions: [{ tool: 'screening_verdict', args: { harmful: false, category: 'none', reason: "Steward's own demo task: browse a local demo bookshop without buying." } }] };
}

// --- steps -------------------------------------------------------------------------------------

function search(observation, plan) {
  const box = find(observation, ['searchbox', 'textbox'], /search/i);
  if (box === undefined) return finish(`${LABEL}: the home page has no search box I can find by its role and name, so I stop here.`, false);
  return step(
    `${LABEL}: this is the Larkspur Books home page. I find its search box by role and name ("${box.name}") and search for "${plan.genre}".`,
    [{ tool: 'type', args: { index: box.index, text: plan.genre, submit: true } }],
  );
}

function shortlist(observation, plan) {
  const sort = find(observation, ['combobox'], /sort/i);
  const limit = find(observation, ['combobox'], /max price/i);
  if (sort === undefined || limit === undefined) return finish(`${LABEL}: the results page has no "Sort by" and "Max price" lists I can find, so I stop here.`, false);
  const byRating = (sort.options ?? []).find((option) => /rating/i.test(option));
  const underBudget = (limit.options ?? []).find((option) => new RegExp(`under \\$${plan.budget}(?!\\d)`, 'i').test(option));
  if (byRating === undefined || underBudget === undefined) {
    return finish(`${LABEL}: the shop offers no rating order or no "under $${plan.budget}" limit, so this script cannot do the task.`, false);
  }
  if (sort.value !== byRating || limit.value !== underBudget) {
    return step(`${LABEL}: the results for "${plan.genre}" are in relevance order. I sort them by "${byRating}" and set the price limit to "${underBudget}".`, [
      { tool: 'select', args: { index: sort.index, option: byRating } },
      { tool: 'select', args: { index: limit.index, option: underBudget } },
    ]);
  }
  // The page's own order and filter are checked, not trusted: the script ranks what it reads.
  const books = topRated(bookRows(observation.text), plan.budget);
  if (books.length === 0) return finish(`${LABEL}: no ${plan.genre} book under $${plan.budget} is listed, so there is nothing to add to the cart.`, false);
  const best = books[0];
  const link = observation.elements.find((element) => element.role === 'link' && element.name === best.title);
  if (link === undefined) return finish(`${LABEL}: I read "${best.title}" in the results but find no link with that name, so I stop here.`, false);
  const listed = books.map((book, i) => `${i + 1}. ${book.title} (★ ${book.rating}, $${book.price.toFixed(2)})`).join('; ');
  return step(`${LABEL}: the best-rated ${plan.genre} books under $${plan.budget} are ${listed}. I record them with the extract tool and open "${best.title}".`, [
    { tool: 'extract', args: { instruction: `The ${SHORTLIST_SIZE} best-rated ${plan.genre} books under $${plan.budget} in the results table: title, author, rating and price of each.`, schema: SHORTLIST_SCHEMA } },
    { tool: 'click', args: { index: link.index } },
  ]);
}

function addToCart(observation, history) {
  const title = heading(observation.text) ?? 'this book';
  if (/Added “.+” to your cart/.test(observation.text)) {
    const cart = find(observation, ['link'], /^cart \(\d+\)$/i) ?? find(observation, ['link'], /go to cart/i);
    if (cart === undefined) return finish(`${LABEL}: "${title}" is in the cart, but I find no link to the cart, so I stop here.`, false);
    return step(`${LABEL}: the shop confirms "${title}" is in the cart and the header now reads "${cart.name}". I open the cart.`, [{ tool: 'click', args: { index: cart.index } }]);
  }
  const added = history.some((entry) => entry.action.tool === 'click' && /Add to cart/.test(entry.result.message) && entry.result.ok);
  if (added) return finish(`${LABEL}: I pressed "Add to cart" but the shop did not confirm it, so I stop rather than press it again.`, false);
  const button = find(observation, ['button'], /^add to cart$/i);
  if (button === undefined) return finish(`${LABEL}: the page of "${title}" has no "Add to cart" button I can find, so I stop here.`, false);
  const price = /^Price \| (\$[\d.]+)$/m.exec(observation.text)?.[1];
  return step(`${LABEL}: this is the page of "${title}"${price === undefined ? '' : `, ${price}`}. I press its "${button.name}" button.`, [{ tool: 'click', args: { index: button.index } }]);
}

function checkout(observation, history, plan) {
  const name = find(observation, ['textbox'], /full name/i);
  const email = find(observation, ['textbox'], /email/i);
  const delivery = find(observation, ['combobox'], /delivery/i);
  if (name === undefined || email === undefined || delivery === undefined) return finish(`${LABEL}: the cart page has no delivery form I can find, so I stop here.`, false);
  const standard = (delivery.options ?? []).find((option) => /standard/i.test(option));
  if (standard === undefined) return finish(`${LABEL}: the shop offers no standard delivery, so this script cannot fill the form.`, false);
  if (name.value !== plan.name || email.value !== plan.email || delivery.value !== standard) {
    return step(`${LABEL}: the cart is open. I fill in the delivery details for ${plan.name} and choose "${standard}"; I will not press "Place order", since this demo never buys anything.`, [
      { tool: 'type', args: { index: name.index, text: plan.name } },
      { tool: 'type', args: { index: email.index, text: plan.email } },
      { tool: 'select', args: { index: delivery.index, option: standard } },
    ]);
  }
  const totals = cartTotals(observation.text);
  const items = cartLines(observation.text);
  if (totals === undefined || items.length === 0) return finish(`${LABEL}: I cannot read the cart's lines and totals, so I stop here.`, false);
  const books = recordedShortlist(history);
  const result = {
    demo: 'scripted',
    note: "Produced by Steward's scripted demo policy, not a language model: fixed rules reading the demo shop's pages.",
    query: plan.genre,
    max_price: plan.budget,
    shortlist: books.map((book, i) => ({ rank: i + 1, ...book })),
    cart: { items, delivery: standard, ...totals },
    order_placed: false,
  };
  return {
    thought: `${LABEL}: the cart comes to $${totals.total.toFixed(2)} with "${standard}". Done: I report the shortlist and the cart, and leave the order unplaced.`,
    actions: [{ tool: 'done', args: { result } }],
  };
}

// --- the extract call ----------------------------------------------------------------------------

/** Answers the step's own `extract` from the page text it is given (a table: cells by tabs). */
function extractShortlist(extraction, plan) {
  if (plan === undefined || !/best-rated/.test(extraction.instruction)) throw new Error('the scripted demo extracts only its own shortlist');
  return { actions: [{ tool: 'extract_result', args: { books: topRated(bookRows(extraction.text), plan.budget) } }] };
}

// --- reading pages ---------------------------------------------------------------------------

/** Rows of the results table, in the observation's outline (`a | b`) or the page's text (tabs). */
function bookRows(text) {
  return cells(text, 4).flatMap(([title, author, rating, price]) => {
    const stars = /^★\s*(\d(?:\.\d)?)$/.exec(rating);
    const amount = money(price);
    return stars === null || amount === undefined ? [] : [{ title, author, rating: Number(stars[1]), price: amount }];
  });
}

function topRated(books, budget) {
  return books
    .filter((book) => book.price < budget)
    .sort((a, b) => b.rating - a.rating || a.price - b.price)
    .slice(0, SHORTLIST_SIZE);
}

function cartLines(text) {
  return cells(text, 3).flatMap(([title, quantity, price]) => {
    const amount = money(price);
    return /^\d+$/.test(quantity) && amount !== undefined ? [{ title, quantity: Number(quantity), price: amount }] : [];
  });
}

function cartTotals(text) {
  const row = (label) => cells(text, 2).find(([name]) => name === label)?.[1];
  const subtotal = money(row('Subtotal'));
  const deliveryText = row('Delivery');
  const delivery = deliveryText === 'Free' ? 0 : money(deliveryText);
  const total = money(row('Total'));
  return subtotal === undefined || delivery === undefined || total === undefined ? undefined : { subtotal, delivery_cost: delivery, total };
}

/** The shortlist this task's `extract` recorded, from its result in the history. */
function recordedShortlist(history) {
  const entry = history.find((h) => h.action.tool === 'extract' && h.result.ok && SHORTLIST_TOOL_RESULT.test(h.result.message));
  if (entry === undefined) return [];
  try {
    const data = JSON.parse(entry.result.message.replace(SHORTLIST_TOOL_RESULT, ''));
    return Array.isArray(data.books) ? data.books : [];
  } catch {
    return [];
  }
}

function cells(text, count) {
  return text
    .split('\n')
    .map((line) => line.split(/\t| \| /).map((cell) => cell.trim()))
    .filter((row) => row.length === count);
}

function money(text) {
  const match = /^\$(\d+(?:\.\d{2})?)$/.exec(text ?? '');
  return match === null ? undefined : Number(match[1]);
}

function heading(text) {
  return /^# (.+)$/m.exec(text)?.[1];
}

function find(observation, roles, name) {
  return observation.elements.find((element) => roles.includes(element.role) && name.test(element.name ?? ''));
}

function pathOf(url) {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

function step(thought, actions) {
  return { thought, actions };
}

function finish(result, success) {
  return { thought: result, actions: [{ tool: 'done', args: { result, success } }] };
}
