import { HermesError } from './errors';

describe('HermesError', () => {
  it('carries the status and Retry-After of its catalog entry', () => {
    const err = new HermesError('HERMES_ERR_UNAVAILABLE', 'influxdb down', { retryAfterSeconds: 5 });
    expect(err.httpStatus).toBe(503);
    expect(err.retryAfterSeconds).toBe(5);
    expect(err.message).toBe('storage is unavailable; retry later: influxdb down');
  });

  it('gives no Retry-After to permanent errors', () => {
    expect(new HermesError('HERMES_ERR_BAD_REQUEST').retryAfterSeconds).toBeUndefined();
  });
});
