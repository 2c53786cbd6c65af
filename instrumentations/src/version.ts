/** The version every hermes instrumentation reports as its instrumentation scope version. */
export const VERSION = '0.1.0';
