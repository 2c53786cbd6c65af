// A small ES module app using express. With SELF_START it calls startHermes() itself, after its
// static imports already ran (the mistake the SDK warns about); otherwise it expects
// `node --import @hermes/sdk/register`.
import express from 'express';
import { runningHermes, startHermes } from '@hermes/sdk';

if (process.env.SELF_START) startHermes();

const app = express();
app.get('/hello', (req, res) => res.send('ok'));
const server = app.listen(0, '127.0.0.1', async () => {
  await fetch(`http://127.0.0.1:${server.address().port}/hello`).then((r) => r.text());
  server.close();
  await runningHermes()?.shutdown();
});
