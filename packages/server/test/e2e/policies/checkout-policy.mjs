// A `script:` policy that buys one Blue Mug on the fixture shop and pays with a payment token:
//   checkout <base-url> <token-id> <amount>
// It adds the mug to the cart, opens the card checkout, types the shipping details, has Steward
// fill the card (`fill_payment`), then clicks "Place order". It finishes with the shop's
// confirmation line, or with what stopped it (a refusal, a denied approval) as its result.

export async function decide({ task, observation, history }) {
  const [, base, token, amount] = task.split(' ');
  const last = history[history.length - 1];
  const find = (predicate) => observation.elements.find(predicate);
  const named = (role, pattern) => find((e) => e.role === role && pattern.test(e.name));

  // Each task starts at the product page, wherever the previous one left the browser.
  if (history.length === 0 || !observation.url.includes('/shop/')) return { actions: [{ tool: 'navigate', args: { url: `${base}/shop/products/blue-mug.html` } }] };
  if (/Thank you for your order/.test(observation.text)) {
    const line = observation.text.split('\n').find((l) => /Order number/.test(l)) ?? 'ordered';
    return { actions: [{ tool: 'done', args: { result: `Ordered: ${line.trim()}` } }] };
  }
  if (last !== undefined && !last.result.ok && (last.action.tool === 'fill_payment' || last.action.tool === 'click')) {
    return { thought: 'The payment did not go through.', actions: [{ tool: 'done', args: { result: `Stopped: ${last.result.message}` } }] };
  }
  if (observation.url.includes('/shop/products/')) return { actions: [{ tool: 'click', args: { index: named('button', /add to cart/i).index } }] };
  if (observation.url.endsWith('/shop/cart')) return { actions: [{ tool: 'navigate', args: { url: `${base}/shop/checkout/card` } }] };

  const card = named('textbox', /card number/i);
  if (card === undefined) return { actions: [{ tool: 'done', args: { result: 'No card checkout found', success: false } }] };
  if (card.payment === 'filled') {
    const place = named('button', /place order/i);
    // A careless model repeats what it sees: the field shows only the last four digits.
    return { thought: `The card field shows ${card.value}; placing the order.`, actions: [{ tool: 'click', args: { index: place.index } }] };
  }
  const pickup = find((e) => e.role === 'radio' && /pickup/i.test(e.name));
  return {
    thought: 'Filling in the shipping details and the card.',
    actions: [
      { tool: 'type', args: { index: named('textbox', /full name/i).index, text: 'Ada Lovelace' } },
      { tool: 'type', args: { index: named('textbox', /street/i).index, text: '12 St James Square' } },
      { tool: 'type', args: { index: named('textbox', /^city/i).index, text: 'London' } },
      { tool: 'click', args: { index: pickup.index } },
      {
        tool: 'fill_payment',
        args: {
          token,
          amount: Number(amount),
          currency: 'USD',
          fields: {
            number: card.index,
            exp: named('textbox', /expiry/i).index,
            cvc: named('textbox', /security code/i).index,
            name: named('textbox', /name on card/i).index,
          },
        },
      },
    ],
  };
}
