/**
 * The `shop` demo service: an express API over PostgreSQL that calls the `payments` service.
 *
 *   GET  /products            list (`?sort=` a column; an unknown one is a real SQL error)
 *   GET  /products/:id        one product (release 1.1.0 adds a slow recommendations query)
 *   POST /checkout            { productId, quantity, card, coupon? } → order + payment
 *   GET  /reports/sales       a deliberately slow report (pg_sleep)
 *
 * Run it with Hermes (the one line): OTEL_SERVICE_NAME=shop node --import @hermes/sdk/register demo/dist/app/shop.js
 * Nothing below depends on Hermes being started: without it the API calls are no-ops.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { Pool } from 'pg';
import { captureException, measure, metrics, trackEvent, runningHermes } from '@hermes/sdk';
import { readServiceEnv, serve, REGRESSED_RELEASE } from './config';
import { createLog } from './log';
import { PRODUCTS } from './catalog';

const env = readServiceEnv();
const log = createLog('shop');
const pool = new Pool({ connectionString: env.databaseUrl, max: 16 });
const regressed = env.release === REGRESSED_RELEASE;
const orders = metrics.getMeter('shop').createCounter('shop.orders', { unit: '{order}', description: 'Orders placed' });

/** An error the client caused: answered with its status, not captured as a failure. */
class ClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const SORTABLE = new Set(['id', 'name', 'price_cents']);

const app = express();
app.use(express.json());

app.get('/healthz', (_req, res) => {
  res.json({ ok: true, release: env.release });
});

app.get('/products', async (req, res) => {
  const sort = typeof req.query.sort === 'string' ? req.query.sort : 'id';
  // A "legacy" client still sends sort=popularity; the column is gone, so PostgreSQL refuses the
  // query and the request fails with a real database error and stack trace.
  const column = SORTABLE.has(sort) || sort === 'popularity' ? sort : 'id';
  const result = await pool.query(`SELECT id, name, price_cents, stock FROM products ORDER BY ${column} LIMIT 50`);
  res.json(result.rows);
});

app.get('/products/:id', async (req, res) => {
  const id = Number(req.params.id);
  if (!Number.isInteger(id)) throw new ClientError(400, 'product id must be an integer');
  const result = await pool.query('SELECT id, name, price_cents, stock FROM products WHERE id = $1', [id]);
  if (result.rowCount === 0) throw new ClientError(404, `no product ${id}`);
  const product = result.rows[0] as Record<string, unknown>;
  if (regressed) {
    // The 1.1.0 "recommendations" feature: an unindexed, sleepy query on every product page.
    const related = await pool.query(
      'SELECT p.id, p.name FROM pg_sleep(0.05), products p WHERE p.id <> $1 ORDER BY abs(p.price_cents - $2) LIMIT 3',
      [id, product.price_cents],
    );
    product.recommendations = related.rows.map((r: { id: number; name: string }) => ({ id: r.id, name: r.name }));
  }
  res.json(product);
});

interface CheckoutBody {
  productId?: number;
  quantity?: number;
  card?: string;
  coupon?: string;
}

app.post('/checkout', async (req, res) => {
  const { productId, quantity = 1, card, coupon } = req.body as CheckoutBody;
  if (!Number.isInteger(productId) || !Number.isInteger(quantity) || quantity < 1 || typeof card !== 'string') {
    throw new ClientError(400, 'productId, quantity and card are required');
  }
  const found = await pool.query<{ price_cents: number; stock: number; name: string }>(
    'SELECT name, price_cents, stock FROM products WHERE id = $1',
    [productId],
  );
  if (found.rowCount === 0) throw new ClientError(404, `no product ${productId}`);
  const product = found.rows[0];
  if (product.stock < quantity) {
    // Stock ran out between page view and checkout: a real failure the team wants to see.
    throw new Error(`product ${productId} (${product.name}) is out of stock: ${product.stock} left, ${quantity} wanted`);
  }
  const totalCents = measure('shop.price_cart', () => priceCart(product.price_cents, quantity, coupon), {
    'shop.coupon': coupon ?? '',
  });
  const orderRef = `ord-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const charge = await fetch(`${env.paymentsUrl}/charge`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orderRef, amountCents: totalCents, card }),
  });
  if (charge.status === 402) {
    log.warn('checkout refused: card declined', { 'order.ref': orderRef });
    throw new ClientError(402, 'card declined');
  }
  if (!charge.ok) throw new Error(`payments answered ${charge.status}: ${await charge.text()}`);
  await pool.query('INSERT INTO orders (ref, product_id, quantity, total_cents) VALUES ($1, $2, $3, $4)', [
    orderRef,
    productId,
    quantity,
    totalCents,
  ]);
  orders.add(1, { 'shop.coupon_used': coupon !== undefined });
  trackEvent('order_placed', { 'order.ref': orderRef, 'order.total_cents': totalCents, 'product.id': productId as number });
  log.info('order placed', { 'order.ref': orderRef, 'order.total_cents': totalCents });
  res.status(201).json({ orderRef, totalCents });
});

app.get('/reports/sales', async (_req, res) => {
  // The finance team's report: slow on purpose (pg_sleep stands in for a big aggregate).
  const result = await pool.query(
    `SELECT p.name, count(o.id)::int AS orders, coalesce(sum(o.total_cents), 0)::int AS revenue_cents
       FROM pg_sleep(0.3) CROSS JOIN products p LEFT JOIN orders o ON o.product_id = p.id
       GROUP BY p.id, p.name ORDER BY revenue_cents DESC`,
  );
  res.json(result.rows);
});

const COUPONS: Record<string, { percent: number }> = { WELCOME10: { percent: 10 } };

function priceCart(priceCents: number, quantity: number, coupon: string | undefined): number {
  const subtotal = priceCents * quantity;
  if (coupon === undefined) return subtotal;
  if (regressed) {
    // The 1.1.0 bug: the new coupon service shape was assumed ({ discount: { percent } }).
    const entry = COUPONS[coupon] as unknown as { discount: { percent: number } };
    return Math.round(subtotal * (1 - entry.discount.percent / 100));
  }
  const percent = COUPONS[coupon]?.percent ?? 0;
  return Math.round(subtotal * (1 - percent / 100));
}

app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
  if (err instanceof ClientError) {
    res.status(err.status).json({ error: err.message });
    return;
  }
  captureException(err, { 'http.route': req.route?.path ?? req.path });
  log.error(`${req.method} ${req.path} failed: ${err.message}`);
  res.status(500).json({ error: 'internal error' });
});

async function main(): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS products (
    id integer PRIMARY KEY, name text NOT NULL, price_cents integer NOT NULL, stock integer NOT NULL)`);
  await pool.query(`CREATE TABLE IF NOT EXISTS orders (
    id serial PRIMARY KEY, ref text NOT NULL, product_id integer NOT NULL REFERENCES products (id),
    quantity integer NOT NULL, total_cents integer NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  for (const p of PRODUCTS) {
    await pool.query('INSERT INTO products (id, name, price_cents, stock) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING', [
      p.id,
      p.name,
      p.priceCents,
      p.stock,
    ]);
  }
  serve('shop', app, env.port, pool, () => runningHermes()?.forceFlush());
}

main().catch((err: unknown) => {
  console.error(`shop: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
