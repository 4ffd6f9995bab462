// Price tracker: reads a product's price with a structured result and compares it with a threshold.
//   node --import tsx examples/price-tracker.ts <shop-url> ["Blue Mug"] [15]
import { Steward } from '@steward/client';

export interface PriceCheck {
  product: string;
  price: number;
  currency: string;
  inStock: boolean;
}

const PRICE_SCHEMA = {
  type: 'object',
  required: ['product', 'price', 'currency', 'inStock'],
  properties: {
    product: { type: 'string' },
    price: { type: 'number', description: 'The price shown on the product page, without the currency sign' },
    currency: { type: 'string', description: 'ISO 4217 code, e.g. USD' },
    inStock: { type: 'boolean' },
  },
  additionalProperties: false,
};

export async function trackPrice(
  client: Steward,
  options: { shopUrl: string; product: string; threshold: number; log?: (line: string) => void },
): Promise<PriceCheck & { belowThreshold: boolean }> {
  const log = options.log ?? console.log;
  await using session = client.session('agi-0-fast');
  const { data } = await session.runTask<PriceCheck>(`What does the "${options.product}" cost in this shop, and is it in stock?`, {
    startUrl: options.shopUrl,
    outputSchema: PRICE_SCHEMA,
  });
  const belowThreshold = data.inStock && data.price <= options.threshold;
  log(`${data.product}: ${data.price.toFixed(2)} ${data.currency}, ${data.inStock ? 'in stock' : 'out of stock'}`);
  log(belowThreshold ? `At or below ${options.threshold.toFixed(2)}: time to buy.` : `Not yet: waiting for ${options.threshold.toFixed(2)} or less, in stock.`);
  return { ...data, belowThreshold };
}

if (import.meta.filename === process.argv[1]) {
  const [shopUrl, product = 'Blue Mug', threshold = '15'] = process.argv.slice(2);
  if (shopUrl === undefined) throw new Error('usage: price-tracker.ts <shop-url> [product] [threshold]');
  await trackPrice(new Steward(), { shopUrl, product, threshold: Number(threshold) });
}
