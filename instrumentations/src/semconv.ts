/**
 * OpenTelemetry semantic-convention names used by hermes instrumentations (semconv 1.45,
 * incubating). Copied as strings rather than imported because the incubating entry point of
 * `@opentelemetry/semantic-conventions` may rename them in any minor release; a rename here is
 * then a deliberate, reviewed change. `hermes.*` names have no semconv equivalent.
 */

// Node.js runtime (https://opentelemetry.io/docs/specs/semconv/runtime/nodejs-metrics/)
export const METRIC_NODEJS_EVENTLOOP_DELAY_P50 = 'nodejs.eventloop.delay.p50';
export const METRIC_NODEJS_EVENTLOOP_DELAY_P90 = 'nodejs.eventloop.delay.p90';
export const METRIC_NODEJS_EVENTLOOP_DELAY_P99 = 'nodejs.eventloop.delay.p99';
export const METRIC_NODEJS_EVENTLOOP_DELAY_MAX = 'nodejs.eventloop.delay.max';
export const METRIC_NODEJS_EVENTLOOP_DELAY_MEAN = 'nodejs.eventloop.delay.mean';
export const METRIC_NODEJS_EVENTLOOP_UTILIZATION = 'nodejs.eventloop.utilization';
// V8 (https://opentelemetry.io/docs/specs/semconv/runtime/v8js-metrics/)
export const METRIC_V8JS_GC_DURATION = 'v8js.gc.duration';
export const METRIC_V8JS_MEMORY_HEAP_USED = 'v8js.memory.heap.used';
export const METRIC_V8JS_MEMORY_HEAP_SPACE_SIZE = 'v8js.memory.heap.space.size';
export const METRIC_V8JS_RESOURCE_ACTIVE = 'v8js.resource.active';
export const ATTR_V8JS_GC_TYPE = 'v8js.gc.type';
export const ATTR_V8JS_HEAP_SPACE_NAME = 'v8js.heap.space.name';
export const ATTR_V8JS_RESOURCE_TYPE = 'v8js.resource.type';
// Process (https://opentelemetry.io/docs/specs/semconv/system/process-metrics/)
export const METRIC_PROCESS_CPU_TIME = 'process.cpu.time';
export const METRIC_PROCESS_MEMORY_USAGE = 'process.memory.usage';
export const ATTR_CPU_MODE = 'cpu.mode';
// System (https://opentelemetry.io/docs/specs/semconv/system/system-metrics/)
export const METRIC_SYSTEM_CPU_UTILIZATION = 'system.cpu.utilization';
export const METRIC_SYSTEM_CPU_LOGICAL_COUNT = 'system.cpu.logical.count';
export const METRIC_SYSTEM_MEMORY_USAGE = 'system.memory.usage';
export const METRIC_SYSTEM_MEMORY_LIMIT = 'system.memory.limit';
export const METRIC_SYSTEM_MEMORY_UTILIZATION = 'system.memory.utilization';
export const METRIC_SYSTEM_FILESYSTEM_USAGE = 'system.filesystem.usage';
export const METRIC_SYSTEM_FILESYSTEM_LIMIT = 'system.filesystem.limit';
export const METRIC_SYSTEM_FILESYSTEM_UTILIZATION = 'system.filesystem.utilization';
export const METRIC_SYSTEM_NETWORK_IO = 'system.network.io';
export const METRIC_SYSTEM_NETWORK_PACKET_COUNT = 'system.network.packet.count';
export const METRIC_SYSTEM_NETWORK_ERRORS = 'system.network.errors';
export const METRIC_SYSTEM_NETWORK_PACKET_DROPPED = 'system.network.packet.dropped';
export const ATTR_CPU_LOGICAL_NUMBER = 'cpu.logical_number';
export const ATTR_SYSTEM_MEMORY_STATE = 'system.memory.state';
export const ATTR_SYSTEM_FILESYSTEM_STATE = 'system.filesystem.state';
export const ATTR_SYSTEM_FILESYSTEM_MOUNTPOINT = 'system.filesystem.mountpoint';
export const ATTR_NETWORK_INTERFACE_NAME = 'network.interface.name';
export const ATTR_NETWORK_IO_DIRECTION = 'network.io.direction';
// Events and exceptions (https://opentelemetry.io/docs/specs/semconv/general/events/)
export const ATTR_EVENT_NAME = 'event.name';
export const METRIC_HERMES_EVENTS = 'hermes.events';
