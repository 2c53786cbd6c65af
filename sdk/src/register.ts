/**
 * Zero-code start: `node --import @hermes/sdk/register app.js` (CommonJS or ES module app).
 * Registers the OpenTelemetry ESM loader hook first, so ES modules imported by the app can be
 * instrumented, then starts Hermes from environment variables with signal/exit handling on.
 */
import { registerEsmHook } from './esm';
import { startHermes } from './start';

registerEsmHook();
startHermes({ handleSignals: true });
