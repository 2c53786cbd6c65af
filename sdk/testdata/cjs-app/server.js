// A long-running CommonJS server started with `node --import @hermes/sdk/register`: it serves one
// request to itself, says "ready", and then waits to be stopped by a signal.
const http = require('node:http');

const server = http.createServer((req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', () => {
  http.get(`http://127.0.0.1:${server.address().port}/work`, (res) => {
    res.resume().on('end', () => console.log('ready'));
  });
});
