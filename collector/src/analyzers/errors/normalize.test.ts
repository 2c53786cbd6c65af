import { normalizeMessage } from './index';
import { MAX_MESSAGE_CHARS } from './normalize';

describe('normalizeMessage', () => {
  it.each([
    ['user 3f1c2a9e-8b7d-4C6E-9a1b-2d3e4f5a6b7c not found', 'user <uuid> not found'],
    ['order 12345 failed after 3.5s', 'order <num> failed after <num>s'],
    ['connect ECONNREFUSED 10.1.2.3:5432', 'connect ECONNREFUSED <ip>'],
    ['bind [::1]:8080 failed, peer fe80::1ff:fe23:4567:890a', 'bind <ip> failed, peer <ip>'],
    ['mail to alice.smith+x@example.co.uk bounced', 'mail to <email> bounced'],
    ['bad pointer 0x7ffd5e8c and digest deadbeef1234cafe', 'bad pointer <hex> and digest <hex>'],
    ['expired at 2026-11-30T09:55:12.123Z', 'expired at <ts>'],
    ['expired at 2026-11-30 09:55:12+01:00 ok', 'expired at <ts> ok'],
    [`key 'alpha' not in "beta" nor \`gamma\``, 'key <str> not in <str> nor <str>'],
    ['user42 and user7', 'user<num> and user<num>'],
    ['  many\n\tspaces  ', 'many spaces'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeMessage(input)).toBe(expected);
  });

  it('caps the length', () => {
    expect(normalizeMessage('x'.repeat(10 * MAX_MESSAGE_CHARS))).toHaveLength(MAX_MESSAGE_CHARS);
  });
});
