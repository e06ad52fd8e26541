import { describe, expect, it } from 'vitest';
import { clientMatcher } from './clients.ts';
import { fairShare } from './networks.service.ts';

const entry = (orgId: string, networkId: string, clients: string[]) => ({ orgId, networkId, match: clientMatcher(clients) });

describe('PRO-3: the networks tried for a source address', () => {
  it('DIR-1: each organization has its most specific networks tried, however many another lists the address in', () => {
    const entries = [...Array.from({ length: 20 }, (_, i) => entry('org_b', `b${i}`, ['10.0.0.7/32'])), entry('org_a', 'a1', ['10.0.0.0/24']), entry('org_a', 'a2', ['10.0.0.0/8']), entry('org_c', 'c1', ['192.0.2.0/24'])];
    const found = fairShare(entries, '10.0.0.7', 8, 1024);
    expect(found.filter((e) => e.orgId === 'org_b')).toHaveLength(8);
    expect(found.filter((e) => e.orgId === 'org_a').map((e) => e.networkId)).toEqual(['a1', 'a2']);
    expect(found.some((e) => e.orgId === 'org_c')).toBe(false);
  });

  it('DIR-1: a total cap, when reached, is shared in rounds: every organization’s best comes first', () => {
    const entries = ['a', 'b', 'c'].flatMap((o) => Array.from({ length: 5 }, (_, i) => entry(`org_${o}`, `${o}${i}`, [o === 'a' ? '10.0.0.7/32' : '10.0.0.0/16'])));
    const found = fairShare(entries, '10.0.0.7', 8, 4);
    expect(new Set(found.slice(0, 3).map((e) => e.orgId))).toEqual(new Set(['org_a', 'org_b', 'org_c']));
    expect(found).toHaveLength(4);
  });
});
