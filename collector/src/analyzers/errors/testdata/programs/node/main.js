// Node runner: `node main.js` prints {cases:[...]} JSON; `node main.js crash` dies uncaught.
'use strict';
const { runCases, handleProfile } = require('./scenario.js').hermesScenario;

if (process.argv[2] === 'crash') {
  process.stdout.write(JSON.stringify({ group: 'profile', type: 'NotFoundError', function: 'lookupUser' }));
  handleProfile('42');
} else {
  runCases().then((cases) => process.stdout.write(JSON.stringify({ runtime: 'node', version: process.version, cases }, null, 1)));
}
