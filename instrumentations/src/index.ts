/** Hermes instrumentations: runtime, host and custom-event plug-ins for the OpenTelemetry SDK. */
export { HermesInstrumentation, NO_BINDING, observable, type Binding, type ObservableKind } from './base';
export {
  RuntimeInstrumentation,
  RUNTIME_INSTRUMENTATION_NAME,
  type RuntimeInstrumentationConfig,
} from './runtime';
export {
  HostInstrumentation,
  HOST_INSTRUMENTATION_NAME,
  cpuUtilization,
  parseProcNetDev,
  type HostInstrumentationConfig,
  type InterfaceCounters,
} from './host';
export {
  EventsInstrumentation,
  EVENTS_INSTRUMENTATION_NAME,
  type EventListener,
  type EventsInstrumentationConfig,
  type TrackedEvent,
} from './events';
export { VERSION } from './version';
