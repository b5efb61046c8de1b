// Basic auth against bcrypt hashes: right and wrong credentials, header parsing, and bcrypt
// run once per distinct credential (counted through a spy on bcryptjs.compare).
import { hashSync } from 'bcryptjs';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const compares = vi.hoisted(() => ({ count: 0 }));
vi.mock('bcryptjs', async (importOriginal) => {
  const real = await importOriginal<typeof import('bcryptjs')>();
  return {
    ...real,
    compare: (password: string, hash: string) => {
      compares.count += 1;
      return real.compare(password, hash);
    },
  };
});

const { BasicAuth, parseBasic } = await import('../../../src/exporters/basic-auth');

const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;
// Cost 4: the lowest bcrypt allows, so the tests stay fast.
const users = new Map([
  ['prometheus', hashSync('s3cret', 4)],
  ['__proto__', hashSync('other', 4)],
]);

beforeEach(() => {
  compares.count = 0;
});

describe('BasicAuth', () => {
  it('accepts the right password and refuses a wrong one, an unknown user and a missing header', async () => {
    const auth = new BasicAuth(users);
    expect(await auth.check(basic('prometheus:s3cret'))).toBe(true);
    expect(await auth.check(basic('prometheus:wrong'))).toBe(false);
    expect(await auth.check(basic('nobody:s3cret'))).toBe(false);
    expect(await auth.check(basic('__proto__:other'))).toBe(true);
    expect(await auth.check(undefined)).toBe(false);
  });

  it('runs bcrypt once per distinct credential, successes and failures alike', async () => {
    const auth = new BasicAuth(users);
    for (let i = 0; i < 5; i++) expect(await auth.check(basic('prometheus:s3cret'))).toBe(true);
    expect(compares.count).toBe(1);
    for (let i = 0; i < 5; i++) expect(await auth.check(basic('prometheus:wrong'))).toBe(false);
    expect(compares.count).toBe(2);
    // An unknown user costs a bcrypt run too (against another user's hash), so it answers as slowly.
    expect(await auth.check(basic('nobody:x'))).toBe(false);
    expect(await auth.check(basic('nobody:x'))).toBe(false);
    expect(compares.count).toBe(3);
  });

  it('under a flood of made-up credentials runs at most 2 verifications at once and 4 a second, refusing the rest at once', async () => {
    const auth = new BasicAuth(users);
    expect(await auth.check(basic('prometheus:s3cret'))).toBe(true);
    compares.count = 0;
    const flood = Array.from({ length: 50 }, (_, i) => auth.check(basic(`prometheus:guess-${i}`)));
    // The third and later need bcrypt while two are pending: refused without it.
    expect(compares.count).toBeLessThanOrEqual(2);
    expect(await Promise.all(flood)).toEqual(Array(50).fill(false));
    expect(compares.count).toBeLessThanOrEqual(4);
    // The scraper's credential, verified before, passes at once without bcrypt, whatever the flood.
    expect(auth.remembered(basic('prometheus:s3cret'))).toBe(true);
    expect(compares.count).toBeLessThanOrEqual(4);
  });

  it('lets everything through without users', async () => {
    expect(await new BasicAuth(new Map()).check(undefined)).toBe(true);
  });
});

describe('parseBasic', () => {
  it.each([
    [basic('u:p'), { user: 'u', password: 'p' }],
    [basic('u:p:with:colons'), { user: 'u', password: 'p:with:colons' }],
    [basic('u:'), { user: 'u', password: '' }],
    [`bAsIc ${Buffer.from('u:p').toString('base64')}`, { user: 'u', password: 'p' }],
    [basic(':p'), undefined],
    [basic('no-colon'), undefined],
    ['Bearer abc', undefined],
    ['Basic not base64!', undefined],
    [`Basic ${'A'.repeat(2000)}`, undefined],
    ['', undefined],
  ])('%j reads as %j', (header, expected) => {
    expect(parseBasic(header)).toEqual(expected);
  });
});
