import { describe, expect, it } from 'vitest';
import { ScimError } from './errors.ts';
import { type ScimFilter, matchesFilter, parseFilter } from './filter.ts';

/** The ScimError a call throws (fails the test when it throws anything else, or nothing). */
function errorOf(f: () => unknown): ScimError {
  try {
    f();
  } catch (e) {
    if (e instanceof ScimError) return e;
    throw e;
  }
  throw new Error('expected a ScimError');
}

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('parseFilter: what identity providers send', () => {
  it.each<[string, ScimFilter]>([
    ['userName eq "alice@example.com"', { op: 'eq', path: 'userName', value: 'alice@example.com' }],
    ['externalId eq "a1b2"', { op: 'eq', path: 'externalId', value: 'a1b2' }],
    ['displayName eq "Engineering"', { op: 'eq', path: 'displayName', value: 'Engineering' }],
    ['members[value eq "x"]', { op: 'valuePath', path: 'members', filter: { op: 'eq', path: 'value', value: 'x' } }],
    [
      'emails[type eq "work" and value co "@example.com"]',
      {
        op: 'valuePath',
        path: 'emails',
        filter: {
          op: 'and',
          filters: [
            { op: 'eq', path: 'type', value: 'work' },
            { op: 'co', path: 'value', value: '@example.com' },
          ],
        },
      },
    ],
  ])('PRO-4: %s', (text, expected) => {
    expect(parseFilter(text)).toEqual(expected);
  });

  it('PRO-4: operators and keywords are case-insensitive (Okta sends EQ)', () => {
    expect(parseFilter('userName EQ "a"')).toEqual({ op: 'eq', path: 'userName', value: 'a' });
    expect(parseFilter('title PR AND NOT (a Eq 1) Or b pR')).toEqual({
      op: 'or',
      filters: [
        { op: 'and', filters: [{ op: 'pr', path: 'title' }, { op: 'not', filter: { op: 'eq', path: 'a', value: 1 } }] },
        { op: 'pr', path: 'b' },
      ],
    });
  });
});

describe('parseFilter: the grammar', () => {
  it.each(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'])('PRO-4: the %s operator', (op) => {
    expect(parseFilter(`meta.lastModified ${op} "2011-05-13T04:42:34Z"`)).toEqual({ op, path: 'meta.lastModified', value: '2011-05-13T04:42:34Z' });
  });

  it('PRO-4: pr', () => {
    expect(parseFilter('title pr')).toEqual({ op: 'pr', path: 'title' });
  });

  it('PRO-4: not binds tighter than and, and tighter than or; and/or are flattened', () => {
    expect(parseFilter('a eq 1 or b eq 2 and c eq 3 or d eq 4')).toEqual({
      op: 'or',
      filters: [
        { op: 'eq', path: 'a', value: 1 },
        { op: 'and', filters: [{ op: 'eq', path: 'b', value: 2 }, { op: 'eq', path: 'c', value: 3 }] },
        { op: 'eq', path: 'd', value: 4 },
      ],
    });
    expect(parseFilter('a pr and b pr and c pr')).toEqual({ op: 'and', filters: [{ op: 'pr', path: 'a' }, { op: 'pr', path: 'b' }, { op: 'pr', path: 'c' }] });
  });

  it('PRO-4: parentheses override precedence', () => {
    expect(parseFilter('(a pr or b pr) and c pr')).toEqual({
      op: 'and',
      filters: [{ op: 'or', filters: [{ op: 'pr', path: 'a' }, { op: 'pr', path: 'b' }] }, { op: 'pr', path: 'c' }],
    });
    expect(parseFilter('((a pr))')).toEqual({ op: 'pr', path: 'a' });
  });

  it('PRO-4: values: strings with escapes, numbers, true/false/null in any case', () => {
    expect(parseFilter('a eq "q\\"b\\\\s\\/\\n\\t\\u00e9\\u4e2d"')).toMatchObject({ value: 'q"b\\s/\n\té中' });
    expect(parseFilter('a eq -12.5e2')).toMatchObject({ value: -1250 });
    expect(parseFilter('a eq 0')).toMatchObject({ value: 0 });
    expect(parseFilter('a eq True')).toMatchObject({ value: true });
    expect(parseFilter('a eq FALSE')).toMatchObject({ value: false });
    expect(parseFilter('a eq Null')).toMatchObject({ value: null });
    expect(parseFilter('a eq ""')).toMatchObject({ value: '' });
    expect(parseFilter('a eq "(not) and [x]"')).toMatchObject({ value: '(not) and [x]' });
  });

  it('PRO-4: URN paths: the core prefix is dropped, the enterprise one is spelled as registered', () => {
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"')).toMatchObject({ path: 'userName' });
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "a"')).toMatchObject({ path: 'displayName' });
    expect(parseFilter('URN:IETF:params:scim:schemas:core:2.0:user:name.givenName pr')).toMatchObject({ path: 'name.givenName' });
    expect(parseFilter(`${ENTERPRISE}:employeeNumber eq "7"`)).toMatchObject({ path: `${ENTERPRISE}:employeeNumber` });
    expect(parseFilter(`${ENTERPRISE.toLowerCase()}:manager.value eq "7"`)).toMatchObject({ path: `${ENTERPRISE}:manager.value` });
    expect(parseFilter('urn:example:custom:1.0:User:badge eq "7"')).toMatchObject({ path: 'urn:example:custom:1.0:User:badge' });
  });

  it('PRO-4: sub-attribute paths and $ref', () => {
    expect(parseFilter('emails.value eq "x"')).toEqual({ op: 'eq', path: 'emails.value', value: 'x' });
    expect(parseFilter('members.$ref pr')).toEqual({ op: 'pr', path: 'members.$ref' });
  });

  it('PRO-4: a sub-attribute after a value filter (outside the RFC grammar) joins the filter', () => {
    expect(parseFilter('emails[type eq "work"].value eq "alice@example.com"')).toEqual({
      op: 'valuePath',
      path: 'emails',
      filter: { op: 'and', filters: [{ op: 'eq', path: 'type', value: 'work' }, { op: 'eq', path: 'value', value: 'alice@example.com' }] },
    });
    expect(parseFilter('emails[type eq "work" and primary eq true].value pr')).toEqual({
      op: 'valuePath',
      path: 'emails',
      filter: { op: 'and', filters: [{ op: 'eq', path: 'type', value: 'work' }, { op: 'eq', path: 'primary', value: true }, { op: 'pr', path: 'value' }] },
    });
  });

  it('PRO-4: value paths inside logical expressions, and not inside them', () => {
    expect(parseFilter('userType eq "Employee" and emails[type eq "work" and not (value ew ".org")]')).toEqual({
      op: 'and',
      filters: [
        { op: 'eq', path: 'userType', value: 'Employee' },
        {
          op: 'valuePath',
          path: 'emails',
          filter: { op: 'and', filters: [{ op: 'eq', path: 'type', value: 'work' }, { op: 'not', filter: { op: 'ew', path: 'value', value: '.org' } }] },
        },
      ],
    });
  });
});

describe('parseFilter: errors are invalidFilter naming the problem', () => {
  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['userName eq "alice', /unterminated string starting at position 12/],
    ['userName eqq "a"', /expected an operator after "userName" at position 9/],
    ['userName "a"', /expected an operator/],
    ['userName eq "a" junk', /unexpected "junk" at position 16/],
    ['userName eq "a")', /unexpected "\)"/],
    ['(userName eq "a"', /expected "\)" at the end/],
    ['userName eq', /expected a value .* at the end/],
    ['userName eq bob', /expected a value/],
    ['not userName eq "a"', /"not" must be followed by "\("/],
    ['a eq "x" and', /ends where an expression was expected/],
    ['a eq "\\x"', /bad escape/],
    ['a eq "\\u12"', /bad \\u escape/],
    ['a eq "tab\there"', /control character/],
    ['a.b.c eq 1', /not an attribute path/],
    ['1abc eq 1', /not an attribute path/],
    ['a eq 01', /expected a value/],
    ['a gt true', /cannot compare/],
    ['a lt null', /cannot compare/],
    ['emails[type eq "work"].value', /expected an operator after ".value" at the end/],
    ['emails[type eq "work"].a.b eq 1', /not a sub-attribute/],
    ['emails[type eq "work"', /expected "\]"/],
    ['emails[addresses[type eq "a"]]', /cannot nest/],
    ['a eq "x" & b eq "y"', /unexpected character "&" at position 9/],
    ['a eq 1e999', /expected a value/],
  ])('PRO-4: %j', (text, message) => {
    const e = errorOf(() => parseFilter(text));
    expect(e.status).toBe(400);
    expect(e.scimType).toBe('invalidFilter');
    expect(e.message).toMatch(message);
  });

  it('PRO-4: a filter over 10,000 characters is refused', () => {
    expect(errorOf(() => parseFilter(`a eq "${'x'.repeat(10_000)}"`)).message).toMatch(/longer than 10000/);
  });

  it('PRO-4: nesting deeper than 32 is refused, and a 100k-deep input gives invalidFilter, not a stack overflow', () => {
    expect(parseFilter(`${'('.repeat(32)}a pr${')'.repeat(32)}`)).toEqual({ op: 'pr', path: 'a' });
    expect(errorOf(() => parseFilter(`${'('.repeat(33)}a pr${')'.repeat(33)}`)).message).toMatch(/deeper than 32/);
    expect(errorOf(() => parseFilter('('.repeat(100_000))).scimType).toBe('invalidFilter');
    expect(errorOf(() => parseFilter('not ('.repeat(2000))).scimType).toBe('invalidFilter');
  });

  it('PRO-4: more than 1000 nodes are refused', () => {
    const ok = Array.from({ length: 999 }, () => 'a pr').join(' or '); // 999 leaves and the or: 1000 nodes
    expect(parseFilter(ok)).toMatchObject({ op: 'or' });
    const big = Array.from({ length: 1001 }, () => 'a pr').join(' or ');
    expect(errorOf(() => parseFilter(big)).message).toMatch(/more than 1000 nodes/);
  });
});

describe('matchesFilter', () => {
  const user = {
    userName: 'Alice@Example.com',
    active: true,
    age: 40,
    emails: [
      { value: 'alice@example.com', type: 'work', primary: true },
      { value: 'alice@home.org', type: 'home' },
    ],
    [ENTERPRISE]: { employeeNumber: '7' },
  };
  const m = (text: string, exact?: (p: string) => boolean) => matchesFilter(user, parseFilter(text), exact);

  it('PRO-4: strings compare case-insensitively unless the attribute is caseExact', () => {
    expect(m('userName eq "alice@example.com"')).toBe(true);
    expect(m('userName eq "alice@example.com"', () => true)).toBe(false);
    expect(m('USERNAME sw "ALICE"')).toBe(true);
    expect(m('userName ew ".COM"')).toBe(true);
    expect(m('userName co "@ex"')).toBe(true);
    expect(m('userName ne "bob"')).toBe(true);
  });

  it('PRO-4: numbers, booleans, null, pr and ordering', () => {
    expect(m('age gt 39 and age le 40 and not (age lt 40) and age ge 40')).toBe(true);
    expect(m('active eq true')).toBe(true);
    expect(m('active eq "true"')).toBe(false);
    expect(m('title eq null')).toBe(true);
    expect(m('title pr')).toBe(false);
    expect(m('userName gt "a"')).toBe(true);
  });

  it('PRO-4: multi-valued attributes and value paths match when any value does', () => {
    expect(m('emails.value ew ".org"')).toBe(true);
    expect(m('emails[type eq "work" and value co "@example.com"]')).toBe(true);
    expect(m('emails[type eq "home" and primary eq true]')).toBe(false);
    expect(m(`${ENTERPRISE}:employeeNumber eq "7"`)).toBe(true);
  });
});
