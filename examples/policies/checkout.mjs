// Plays the model for examples/checkout.ts on the fixture shop (Tiny Shop). The task names the
// product in quotes, the payment token, and who the order is for:
//   Buy one "Blue Mug" in this shop for store pickup and pay by card with payment token ptok_…;
//   spend at most $20. The order is for Ada Lovelace, 12 St James Square, London.
// It adds the product to the cart, goes to the card checkout, types the address, has Steward fill
// the card (`fill_payment`, with the amount the page shows), and places the order; the server asks
// the user to approve that click. It finishes with { orderNumber, total } from the confirmation,
// or with what stopped it (a refusal, a denied approval) as a failure.

export async function decide({ task, observation, history }) {
  const product = /"([^"]+)"/.exec(task)?.[1];
  const token = /\bptok_[\w-]+/.exec(task)?.[0];
  const [, name, street, city] = /order is for ([^,]+), ([^,]+), ([^.]+)\./.exec(task) ?? [];
  if (product === undefined || token === undefined || name === undefined) return fail('The task lacks the product, the token or the address.');
  const last = history.at(-1);
  const { elements, text, url } = observation;
  const named = (role, pattern) => elements.find((e) => e.role === role && pattern.test(e.name));

  const confirmed = /Order number: (\S+)/.exec(text);
  if (confirmed) {
    const total = Number(/Total charged: \$([\d.]+)/.exec(text)?.[1]);
    return { thought: `Order ${confirmed[1]} placed.`, actions: [{ tool: 'done', args: { result: { orderNumber: confirmed[1], total } } }] };
  }
  if (last && !last.result.ok && ['fill_payment', 'click'].includes(last.action.tool)) return fail(last.result.message);

  if (url.includes('/shop/products/')) return { actions: [{ tool: 'click', args: { index: named('button', /add to cart/i).index } }] };
  if (url.endsWith('/shop/cart')) return { actions: [{ tool: 'click', args: { index: named('link', /checkout/i).index } }] };
  // Steward asks before any click on a control named like "Pay…", so follow this link by its address.
  if (url.endsWith('/shop/checkout')) return { actions: [{ tool: 'navigate', args: { url: named('link', /pay by card/i).href } }] };
  if (url.endsWith('/shop/checkout/card')) {
    const card = named('textbox', /card number/i);
    if (card.payment === 'filled') return { thought: `The card ending ${card.value} is in; placing the order.`, actions: [{ tool: 'click', args: { index: named('button', /place order/i).index } }] };
    // Store pickup costs nothing, so the subtotal is what the payment charges.
    const amount = Number(/Subtotal: \$([\d.]+)/.exec(text)?.[1]);
    const fields = { number: card.index, exp: named('textbox', /expiry/i).index, cvc: named('textbox', /security code/i).index, name: named('textbox', /name on card/i).index };
    return {
      thought: `Filling in the address and the card for $${amount.toFixed(2)}.`,
      actions: [
        { tool: 'type', args: { index: named('textbox', /full name/i).index, text: name } },
        { tool: 'type', args: { index: named('textbox', /street/i).index, text: street } },
        { tool: 'type', args: { index: named('textbox', /^city/i).index, text: city } },
        { tool: 'check', args: { index: named('radio', /pickup/i).index, checked: true } },
        { tool: 'fill_payment', args: { token, amount, currency: 'USD', fields } },
      ],
    };
  }
  const link = elements.find((e) => e.role === 'link' && e.name.toLowerCase() === product.toLowerCase());
  if (link) return { thought: `Opening the ${product} page.`, actions: [{ tool: 'click', args: { index: link.index } }] };
  return fail(`No product called ${product} here.`);
}

function fail(reason) {
  return { actions: [{ tool: 'done', args: { result: reason, success: false } }] };
}
