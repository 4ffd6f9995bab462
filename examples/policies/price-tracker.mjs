// Plays the model for examples/price-tracker.ts on the fixture shop (Tiny Shop). The task names
// the product in quotes and starts on the shop's home page:
//   What does the "Blue Mug" cost in this shop, and is it in stock?
// It opens the product from the list (or searches for it), then finishes with what the product
// page says, shaped as the example's output schema asks: { product, price, currency, inStock }.

export async function decide({ task, observation, history }) {
  const product = /"([^"]+)"/.exec(task)?.[1];
  if (product === undefined) return fail('The task names no product in quotes.');

  const price = /Price: \$(\d+(?:\.\d+)?)/.exec(observation.text);
  if (price && observation.title.toLowerCase().startsWith(product.toLowerCase())) {
    const result = { product, price: Number(price[1]), currency: 'USD', inStock: !/Out of stock/i.test(observation.text) };
    return { thought: `${product} costs $${price[1]}.`, actions: [{ tool: 'done', args: { result } }] };
  }

  const link = observation.elements.find((e) => e.role === 'link' && e.name.toLowerCase() === product.toLowerCase());
  if (link) return { thought: `Opening the ${product} page.`, actions: [{ tool: 'click', args: { index: link.index } }] };

  const searched = history.some((h) => h.action.tool === 'type');
  const search = observation.elements.find((e) => e.role === 'searchbox' || /search/i.test(e.name));
  if (searched || search === undefined) return fail(`No product called ${product} in this shop.`);
  return { thought: `Searching the shop for ${product}.`, actions: [{ tool: 'type', args: { index: search.index, text: product, submit: true } }] };
}

function fail(reason) {
  return { actions: [{ tool: 'done', args: { result: reason, success: false } }] };
}
