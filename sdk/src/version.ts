/** The SDK's instrumentation scope (tracer/meter/logger name and version). */
export const SDK_NAME = '@hermes/sdk';
export const SDK_VERSION = '0.1.0';
