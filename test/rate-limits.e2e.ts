import { registerUser } from '../fixtures/factories';
import { requestFrom } from '../fixtures/request-from';
import { createTestDatabase } from './support/database';
import { startTestServer, TestServer } from './support/server';

/**
 * Every limit counts in PostgreSQL, so two instances on one database share them. Clients other than the
 * test itself (127.0.0.1) send from other loopback addresses.
 */
const limits = {
  loginMaxFailures: 10,
  loginAddressMaxFailures: 20,
  loginAccountMaxFailures: 15,
  registerMaxPerAddress: 10,
};
let a: TestServer;
let b: TestServer;
const password = 'correct horse battery';

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  a = await startTestServer({ databaseUrl, ...limits });
  b = await startTestServer({ databaseUrl, ...limits });
});

afterAll(async () => {
  await a.close();
  await b.close();
});

const login = (from: string, server: TestServer, email: string, secret: string) =>
  requestFrom(from, server.url, 'POST', '/api/v1/auth/login', { email, password: secret });

const statuses = (responses: { status: number }[]) =>
  responses.reduce<Record<number, number>>((count, { status }) => {
    count[status] = (count[status] ?? 0) + 1;
    return count;
  }, {});

describe('login limits', () => {
  it('admits exactly LOGIN_MAX_FAILURES of 200 concurrent wrong passwords; the right one after is refused', async () => {
    const user = await registerUser(a.url);
    const storm = await Promise.all(
      Array.from({ length: 200 }, (_, i) => login('127.0.0.2', i % 2 ? a : b, user.email, `wrong ${i}`)),
    );
    expect(statuses(storm)).toEqual({ 401: 10, 429: 190 });

    const after = await login('127.0.0.2', a, user.email, password);
    expect(after.status).toBe(429);
    expect(after.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(after.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('caps failures per address over all emails, under concurrency too', async () => {
    const spray = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login('127.0.0.3', a, `nobody${i}@example.test`, 'guess')),
    );
    expect(statuses(spray)).toEqual({ 401: 20, 429: 20 });
  });

  it('never locks the owner’s known address out, however many addresses a stranger fails from', async () => {
    const owner = await registerUser(a.url);
    expect((await login('127.0.0.1', a, owner.email, password)).status).toBe(200);

    // A stranger fails from two addresses: 10 each per address, then the account's ceiling (15) closes in.
    const first = await Promise.all(
      Array.from({ length: 12 }, () => login('127.0.0.4', a, owner.email, 'guess')),
    );
    expect(statuses(first)).toEqual({ 401: 10, 429: 2 });
    const second = await Promise.all(
      Array.from({ length: 8 }, () => login('127.0.0.5', b, owner.email, 'guess')),
    );
    expect(statuses(second)).toEqual({ 401: 5, 429: 3 });

    // Past the ceiling an address that never signed in to the account is refused, even with the password...
    expect((await login('127.0.0.6', a, owner.email, password)).status).toBe(429);
    // ...while the owner's own address still signs in, again and again.
    for (let i = 0; i < 3; i++) expect((await login('127.0.0.1', b, owner.email, password)).status).toBe(200);
  });

  it('limits registrations per address', async () => {
    const register = (i: number) =>
      requestFrom('127.0.0.7', a.url, 'POST', '/api/v1/auth/register', {
        email: `signup${i}.${Date.now()}@example.test`,
        password,
        displayName: `Signup ${i}`,
      });
    const attempts = await Promise.all(Array.from({ length: 12 }, (_, i) => register(i)));
    expect(statuses(attempts)).toEqual({ 201: 10, 429: 2 });
    const refused = attempts.find((attempt) => attempt.status === 429)!;
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
