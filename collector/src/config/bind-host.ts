/** Where every listener binds unless configured otherwise: loopback, so nothing is exposed by accident. */
export const DEFAULT_BIND_HOST = '127.0.0.1';
