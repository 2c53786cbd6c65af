/** @hermes/sdk: monitor a Node app with Hermes in one line. */
export { startHermes, runningHermes } from './start';
export {
  captureException,
  trackEvent,
  onEvent,
  measure,
  recordDeployment,
  DeploymentError,
  MEASURE_HISTOGRAM,
} from './api';
export { registerEsmHook } from './esm';
export type {
  DeploymentInfo,
  DeploymentPayload,
  DiagLevel,
  HermesHandle,
  HermesOptions,
  InstrumentationName,
  InstrumentationOptions,
  OtlpProtocol,
  RecordDeploymentOptions,
} from './types';
export type { EventListener, TrackedEvent } from '@hermes/instrumentations';
/** The standard OpenTelemetry metrics API, for custom counters and histograms. */
export { metrics } from '@opentelemetry/api';
