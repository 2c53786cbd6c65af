/**
 * The `payments` demo service: POST /charge records a payment in PostgreSQL and declines some
 * cards. The shop calls it over HTTP, so a checkout trace spans both services.
 *
 * Run it with Hermes: OTEL_SERVICE_NAME=payments node --import @hermes/sdk/register demo/dist/app/payments.js
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { Pool } from 'pg';
import { captureException, trackEvent, runningHermes } from '@hermes/sdk';
import { readServiceEnv, serve } from './config';
import { createLog } from './log';

const env = readServiceEnv();
const log = createLog('payments');
const pool = new Pool({ connectionString: env.databaseUrl, max: 8 });

const app = express();
app.use(express.json());

app.get('/healthz', (_req, res) => {
  res.json({ ok: true });
});

app.post('/charge', async (req: Request, res: Response) => {
  const { orderRef, amountCents, card } = req.body as { orderRef?: string; amountCents?: number; card?: string };
  if (typeof orderRef !== 'string' || !Number.isInteger(amountCents) || typeof card !== 'string') {
    res.status(400).json({ error: 'orderRef, amountCents (integer) and card are required' });
    return;
  }
  // Test cards ending in 0002 are declined, as with most payment providers' sandboxes.
  const declined = card.endsWith('0002');
  const status = declined ? 'declined' : 'captured';
  const row = await pool.query<{ id: number }>(
    'INSERT INTO payments (order_ref, amount_cents, status) VALUES ($1, $2, $3) RETURNING id',
    [orderRef, amountCents, status],
  );
  if (declined) {
    trackEvent('payment_declined', { 'payment.reason': 'card_declined' });
    log.warn('card declined', { 'order.ref': orderRef });
    res.status(402).json({ error: 'card declined', paymentId: row.rows[0].id });
    return;
  }
  log.info('payment captured', { 'order.ref': orderRef, 'payment.amount_cents': amountCents as number });
  res.status(201).json({ paymentId: row.rows[0].id, status });
});

app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
  captureException(err);
  log.error(`charge failed: ${err.message}`);
  res.status(500).json({ error: 'internal error' });
});

async function main(): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS payments (
    id serial PRIMARY KEY,
    order_ref text NOT NULL,
    amount_cents integer NOT NULL,
    status text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now())`);
  serve('payments', app, env.port, pool, () => runningHermes()?.forceFlush());
}

main().catch((err: unknown) => {
  console.error(`payments: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
