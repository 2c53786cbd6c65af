// A small CommonJS app monitored with startHermes(); prints what its event listener saw, and its pid.
const { startHermes, trackEvent, captureException, measure, onEvent, metrics } = require('@hermes/sdk');

const hermes = startHermes({ metricExportIntervalMs: 60_000 });
const http = require('node:http');

const seen = [];
onEvent((event) => seen.push(event.name));

const server = http.createServer((req, res) => {
  trackEvent('page.view', { 'page.path': req.url });
  res.end('ok');
});

server.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  await new Promise((resolve) => http.get(`http://127.0.0.1:${port}/hello`, (res) => res.resume().on('end', resolve)));
  await measure('compute', () => new Promise((resolve) => setTimeout(resolve, 20)));
  try {
    measure('fails', () => {
      throw new TypeError('boom');
    });
  } catch {
    // expected
  }
  captureException(new RangeError('handled'), { 'app.part': 'checkout' });
  metrics.getMeter('app').createCounter('app.orders').add(3);
  server.close();
  await hermes.shutdown();
  console.log(JSON.stringify({ seen, pid: process.pid }));
});
