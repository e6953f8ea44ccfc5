import { Clock } from '../core/src/common/clock';
import { ApiClient } from '../fixtures/api-client';
import { registerUser } from '../fixtures/factories';
import { eventually } from './support/eventually';
import { createTestDatabase } from './support/database';
import { startTestServer, TestServer } from './support/server';
import { statementsDuring } from './support/statements';

/**
 * Tokens are resolved from each instance's memory (AuthCache): a known token costs no query, and a revoked
 * or expired one is refused at once where it was revoked and, on another instance, as soon as the revocation's
 * event reaches it.
 */
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  // Only NOTIFY wakes the feeds in time, and no cached entry times out during a test: the event must do it.
  const config = { databaseUrl, eventPollIntervalMs: 60_000, authCacheTtlSeconds: 3600 };
  a = await startTestServer(config);
  b = await startTestServer(config);
});
afterAll(async () => {
  await a.close();
  await b.close();
});

/** The same person's client on instance B, with the token used so that B has it cached. */
async function warmedOnB(token: string): Promise<ApiClient> {
  const onB = new ApiClient(b.url, token);
  expect((await onB.get('/api/v1/me')).status).toBe(200);
  return onB;
}

const refusedOn = async (api: ApiClient, what: string) =>
  await eventually(async () => ((await api.get('/api/v1/me')).status === 401 ? true : undefined), what);

const tokenLookups = (statements: string[]) => statements.filter((sql) => /from "tokens"/i.test(sql));

describe('the token cache', () => {
  it('answers a known token without querying the tokens table', async () => {
    const user = await registerUser(a.url);
    const first = await statementsDuring(a, () => user.api.get('/api/v1/me'));
    expect(tokenLookups(first)).toHaveLength(1);
    const again = await statementsDuring(a, async () => {
      for (let i = 0; i < 3; i++) expect((await user.api.get('/api/v1/me')).status).toBe(200);
    });
    expect(tokenLookups(again)).toEqual([]);
  });

  it('refuses a logged-out session at once here and on the other instance when the event arrives', async () => {
    const user = await registerUser(a.url);
    const onB = await warmedOnB(user.token);
    expect((await user.api.get('/api/v1/me')).status).toBe(200);

    expect((await user.api.post('/api/v1/auth/logout')).status).toBe(204);
    expect((await user.api.get('/api/v1/me')).status).toBe(401);
    await refusedOn(onB, 'instance B to refuse the logged-out session');
  });

  it('refuses a deleted personal access token here and on the other instance', async () => {
    const user = await registerUser(a.url);
    const created = await user.api.post('/api/v1/me/tokens', { name: 'ci' });
    expect(created.status).toBe(201);
    const personal = user.api.as(created.body.token);
    const onB = await warmedOnB(created.body.token);
    expect((await personal.get('/api/v1/me')).status).toBe(200);

    expect((await user.api.delete(`/api/v1/me/tokens/${created.body.id}`)).status).toBe(204);
    expect((await personal.get('/api/v1/me')).status).toBe(401);
    await refusedOn(onB, 'instance B to refuse the deleted token');
  });

  it('refuses the other sessions after a password change, here and on the other instance', async () => {
    const user = await registerUser(a.url);
    const login = await new ApiClient(a.url).post('/api/v1/auth/login', {
      email: user.email,
      password: 'correct horse battery',
    });
    const other = user.api.as(login.body.token);
    const onB = await warmedOnB(login.body.token);
    expect((await other.get('/api/v1/me')).status).toBe(200);

    const changed = await user.api.post('/api/v1/me/password', {
      currentPassword: 'correct horse battery',
      newPassword: 'a brand new passphrase',
    });
    expect(changed.status).toBe(204);
    expect((await other.get('/api/v1/me')).status).toBe(401);
    await refusedOn(onB, 'instance B to refuse the ended session');
    expect((await user.api.get('/api/v1/me')).status).toBe(200); // the session that changed it stays
  });

  it('refuses a cached token once the clock passes its expiry', async () => {
    const user = await registerUser(a.url);
    const clock = a.app.get(Clock);
    const expiresAt = new Date(clock.now() + 3_600_000).toISOString();
    const created = await user.api.post('/api/v1/me/tokens', { name: 'short', expiresAt });
    const personal = user.api.as(created.body.token);
    expect((await personal.get('/api/v1/me')).status).toBe(200);

    const now = clock.now();
    const moved = jest.spyOn(clock, 'now').mockReturnValue(now + 3_600_001);
    try {
      expect((await personal.get('/api/v1/me')).status).toBe(401);
      expect((await user.api.get('/api/v1/me')).status).toBe(200); // a 30-day session is still good
    } finally {
      moved.mockRestore();
    }
  });
});
