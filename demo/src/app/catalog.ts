/** The demo shop's products (seeded into PostgreSQL at start). Product 13 has no stock: checkouts of it fail. */
export interface CatalogProduct {
  id: number;
  name: string;
  priceCents: number;
  stock: number;
}

const NAMES = [
  'espresso beans', 'pour-over kettle', 'ceramic dripper', 'paper filters', 'burr grinder', 'milk jug',
  'travel mug', 'scale', 'tamper', 'knock box', 'cold brew jar', 'descaler',
];

export const PRODUCTS: readonly CatalogProduct[] = [
  ...NAMES.map((name, i) => ({ id: i + 1, name, priceCents: 450 + ((i * 937) % 9000), stock: 1_000_000 })),
  { id: 13, name: 'limited edition cup', priceCents: 2900, stock: 0 },
];

/** Ids a client may ask for that exist, and one that is sold out. */
export const IN_STOCK_IDS = PRODUCTS.filter((p) => p.stock > 0).map((p) => p.id);
export const SOLD_OUT_ID = 13;
