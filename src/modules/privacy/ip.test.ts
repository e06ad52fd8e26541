import { describe, expect, it } from 'vitest';
import { truncateIp } from './ip.ts';

describe('truncated addresses', () => {
  it('PRV-2, PRV-4: IPv4 keeps its first three octets, IPv6 its first 48 bits, and anything else is not kept', () => {
    expect(truncateIp('203.0.113.77')).toBe('203.0.113.0');
    expect(truncateIp('::ffff:198.51.100.23')).toBe('198.51.100.0');
    expect(truncateIp('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('2001:db8:85a3::');
    expect(truncateIp('2001:db8::1')).toBe('2001:db8:0::');
    expect(truncateIp('::1')).toBe('0:0:0::');
    expect(truncateIp('fe80::1%eth0')).toBe('fe80:0:0::');
    expect(truncateIp('not an address')).toBeNull();
    expect(truncateIp('')).toBeNull();
    expect(truncateIp(null)).toBeNull();
  });
});
