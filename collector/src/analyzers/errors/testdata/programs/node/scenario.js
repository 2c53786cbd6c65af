// Throws from known functions at known call sites and reports, next to each err.stack,
// what V8 itself knows about the frames (CallSite API) and which group the case is in.
// Shared by the Node runner (main.js) and the Chromium page (../chrome/index.html).
(function (root) {
  'use strict';
  // V8 keeps 10 frames by default, too few to show walk(7) whole; services often raise it.
  Error.stackTraceLimit = 30;

  class NotFoundError extends Error {
    constructor(message) {
      super(message);
      this.name = 'NotFoundError';
    }
  }

  // The runtime's own view of the frames where an error is created (same line as `new`).
  function callSites() {
    const saved = Error.prepareStackTrace;
    Error.prepareStackTrace = (_err, sites) => sites;
    const holder = {};
    Error.captureStackTrace(holder, callSites);
    const sites = holder.stack;
    Error.prepareStackTrace = saved;
    return sites.map((s) => ({
      function: s.getFunctionName() || '',
      async: s.isAsync(),
      file: s.getFileName() || '',
      line: s.getLineNumber() || undefined,
    }));
  }

  function fail(ErrorType, message) {
    const error = new ErrorType(message); const frames = callSites();
    error.expectedFrames = frames;
    throw error;
  }

  function lookupUser(id) {
    if (id !== 'exists') fail(NotFoundError, `user ${id} not found`);
  }
  function handleProfile(id) { lookupUser(id); }
  function handleCheckout(id) { lookupUser(id); }
  function walk(depth) {
    if (depth === 0) fail(RangeError, `depth exhausted after ${Math.random()}`);
    walk(depth - 1);
  }
  function parsePayload(text) {
    // JSON.parse's own frame has no file: the runtime's sites start one frame below it.
    const sites = callSites(); try { return JSON.parse(text); } catch (e) { e.expectedFrames = sites; throw e; }
  }
  async function loadOrder(id) {
    await null;
    fail(NotFoundError, `order ${id} not found`);
  }
  async function handleOrder(id) { await loadOrder(id); }
  function applyAll(ids) {
    return ids.map((id) => { fail(TypeError, `cannot apply ${id}`); });
  }

  const CASES = [
    ['profile', () => handleProfile('3f1c2a9e-8b7d-4c6e-9a1b-2d3e4f5a6b7c')],
    ['profile', () => handleProfile('1234567')],
    ['checkout', () => handleCheckout('987')],
    ['checkout', () => handleCheckout('alice@example.com')],
    ['walk', () => walk(3)],
    ['walk', () => walk(7)],
    ['parse', () => parsePayload('{"a": nope}')],
    ['parse', () => parsePayload('[1, 2,')],
    ['closure', () => applyAll(['x1'])],
    ['closure', () => applyAll(['y22'])],
    ['order', () => handleOrder(555)],
    ['order', () => handleOrder(556)],
  ];

  async function runCases() {
    const out = [];
    for (const [group, run] of CASES) {
      try {
        await run();
      } catch (e) {
        out.push({ group, type: e.name, message: e.message, chain: [{ type: e.name, message: e.message, frames: e.expectedFrames }], trace: e.stack });
      }
    }
    return out;
  }

  root.hermesScenario = { runCases, handleProfile };
})(typeof module !== 'undefined' ? module.exports : window);
