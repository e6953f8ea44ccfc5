import { BufferedRateLimiter } from '../core/src/rate-limits/buffered-rate-limiter';
import { ApiClient } from '../fixtures/api-client';
import { createChannel, createWorkspace, registerUser, TestUser } from '../fixtures/factories';
import { RealtimeClient } from '../fixtures/realtime-client';
import { requestFrom } from '../fixtures/request-from';
import { createTestDatabase } from './support/database';
import { eventually } from './support/eventually';
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
  apiRateLimitPerToken: 30,
  apiRateLimitPerAddress: 250,
  apiRateLimitMaxKeys: 50,
  realtimeMaxSocketsPerUser: 3,
};
/** The API limit's documented overshoot over two instances: each may admit a tenth of it on its own. */
const apiTokenCeiling = limits.apiRateLimitPerToken + 2 * Math.ceil(limits.apiRateLimitPerToken / 10);
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

describe('API request limits', () => {
  it('limits each token across instances within the documented overshoot, with RateLimit-* headers and Retry-After on 429', async () => {
    const user = await registerUser(a.url);
    const other = await registerUser(a.url);
    // Alternate instances: each counts in memory, and they share their counts through PostgreSQL.
    let admitted = 0;
    let answered = await new ApiClient(a.url, user.token).get('/api/v1/me');
    for (; answered.status === 200 && admitted <= apiTokenCeiling; admitted++) {
      expect(answered.headers.get('ratelimit-limit')).toBe(String(limits.apiRateLimitPerToken));
      const remaining = Number(answered.headers.get('ratelimit-remaining'));
      expect(remaining).toBeGreaterThanOrEqual(0);
      expect(remaining).toBeLessThan(limits.apiRateLimitPerToken);
      expect(Number(answered.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
      answered = await new ApiClient(admitted % 2 ? a.url : b.url, user.token).get('/api/v1/me');
    }
    expect(admitted).toBeGreaterThanOrEqual(limits.apiRateLimitPerToken);

    const limited = answered;
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(limited.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // Once the instances have shared their counts both refuse it; what they admit until then stays under the ceiling.
    await eventually(async () => {
      const answers = [
        await new ApiClient(a.url, user.token).get('/api/v1/me'),
        await new ApiClient(b.url, user.token).get('/api/v1/me'),
      ];
      admitted += answers.filter((answer) => answer.status === 200).length;
      return answers.every((answer) => answer.status === 429) || undefined;
    }, 'both instances refusing the token');
    expect(admitted).toBeLessThanOrEqual(apiTokenCeiling);

    // Another token is counted on its own.
    expect((await other.api.get('/api/v1/me')).status).toBe(200);
  });

  it('holds each token’s limit across instances under a concurrent burst, within the documented overshoot', async () => {
    const user = await registerUser(a.url);
    const burst = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        new ApiClient(i % 2 ? a.url : b.url, user.token).get('/api/v1/me'),
      ),
    );
    const { 200: admitted, 429: refused, ...others } = statuses(burst);
    expect(others).toEqual({});
    expect(admitted).toBeGreaterThanOrEqual(limits.apiRateLimitPerToken);
    expect(admitted).toBeLessThanOrEqual(apiTokenCeiling);
    expect(admitted + refused).toBe(120);
  });

  it('limits requests without a token per address, never health checks', async () => {
    const invalid = () => requestFrom('127.0.0.8', a.url, 'POST', '/api/v1/auth/login', {});
    for (let i = 0; i < limits.apiRateLimitPerAddress; i++) expect((await invalid()).status).toBe(400);
    const limited = await invalid();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await requestFrom('127.0.0.8', b.url, 'GET', '/health')).status).toBe(200);
  });

  it('remembers at most API_RATE_LIMIT_MAX_KEYS tokens in memory, however many distinct tokens a flood brings', async () => {
    for (let i = 0; i < 300; i += 20) {
      const flood = await Promise.all(
        Array.from({ length: 20 }, (_, j) => new ApiClient(a.url, `flood-${i + j}`).get('/api/v1/me')),
      );
      expect(statuses(flood)).toEqual({ 401: 20 });
    }
    expect(a.app.get(BufferedRateLimiter).size).toBeLessThanOrEqual(limits.apiRateLimitMaxKeys);
  });
});

describe('bot posting limit', () => {
  it('lets a bot post about once a second per channel, in bursts of BOT_CHANNEL_POSTS_PER_WINDOW', async () => {
    const owner = await registerUser(a.url);
    const workspace = await createWorkspace(owner);
    const channel = await createChannel(owner, workspace.id);
    const created = await owner.api.post(`/api/v1/channels/${channel.id}/incoming-webhooks`, { name: 'CI' });
    expect(created.status).toBe(201);
    const hook = new URL((created.body as { url: string }).url).pathname;

    const anonymous = new ApiClient(a.url);
    for (let i = 0; i < 10; i++)
      expect((await anonymous.post(hook, { text: `build ${i}` })).status).toBe(200);
    const limited = await anonymous.post(hook, { text: 'build 10' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(10);

    // People are not bots: the owner still posts in the same channel.
    expect((await owner.api.post(`/api/v1/channels/${channel.id}/messages`, { text: 'hi' })).status).toBe(
      201,
    );
  });
});

describe('socket cap', () => {
  let user: TestUser;
  const sockets: RealtimeClient[] = [];
  afterAll(() => sockets.forEach((socket) => socket.close()));

  it('refuses a user’s socket past REALTIME_MAX_SOCKETS_PER_USER with 429, and admits one once another closes', async () => {
    user = await registerUser(a.url);
    for (let i = 0; i < limits.realtimeMaxSocketsPerUser; i++) {
      sockets.push(await RealtimeClient.connect(a.url, { token: user.token }));
    }
    await expect(RealtimeClient.connect(a.url, { token: user.token })).rejects.toThrow(
      'upgrade refused with 429',
    );
    sockets.shift()!.close();
    sockets.push(
      await eventually(
        () => RealtimeClient.connect(a.url, { token: user.token }).catch(() => undefined),
        'a socket admitted after one closed',
      ),
    );
  });
});
