import { describe, expect, it } from 'vitest';
import type { AccountingRecord } from '../../modules/radius/index.ts';
import { handleAccounting } from './accounting.ts';
import { Attr, Code, attr, decode, encodeRequest, intAttr } from './packet.ts';
import type { RadiusPort } from './port.ts';

const SECRET = Buffer.from('accounting-secret');

async function recorded(extra: ReturnType<typeof intAttr>[]): Promise<AccountingRecord> {
  let got: AccountingRecord | undefined;
  const port: RadiusPort = {
    candidates: async () => [],
    authenticate: async () => ({ membershipId: 'm' }),
    mayUse: async () => true,
    memberOf: async () => null,
    recordAccounting: async (r) => ((got = r), true),
  };
  const bytes = encodeRequest(Code.accountingRequest, 1, Buffer.alloc(16), [attr(Attr.userName, 'alice'), intAttr(Attr.acctStatusType, 3), attr(Attr.acctSessionId, 's1'), ...extra], SECRET);
  expect(await handleAccounting(decode(bytes), { orgId: 'org', networkId: 'res', secret: SECRET }, '127.0.0.1', port)).toBe(true);
  return got as AccountingRecord;
}

describe('PRO-3: accounting counters (RFC 2869 §5.1, §5.2)', () => {
  it('PRO-3: Gigawords count 2^32 octets each', async () => {
    const r = await recorded([intAttr(Attr.acctInputOctets, 1000), intAttr(Attr.acctInputGigawords, 2), intAttr(Attr.acctOutputOctets, 5)]);
    expect([r.inputOctets, r.outputOctets]).toEqual([2 * 2 ** 32 + 1000, 5]);
  });

  it('PRO-3: a count past 2^53 (Gigawords of 2^31 and more) is clamped to Number.MAX_SAFE_INTEGER, a whole number any database keeps', async () => {
    const r = await recorded([intAttr(Attr.acctInputOctets, 2 ** 32 - 1), intAttr(Attr.acctInputGigawords, 2 ** 31), intAttr(Attr.acctOutputGigawords, 2 ** 32 - 1)]);
    expect(r.inputOctets).toBe(Number.MAX_SAFE_INTEGER);
    expect(r.outputOctets).toBe(Number.MAX_SAFE_INTEGER);
    expect(Number.isSafeInteger(r.inputOctets)).toBe(true);
  });
});
