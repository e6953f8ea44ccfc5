import { Client } from 'pg';
import { ApiClient } from '../fixtures/api-client';
import { registerUser } from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

let server: TestServer;
let anonymous: ApiClient;

beforeAll(async () => {
  server = await startTestServer({ loginMaxFailures: 3, loginWindowSeconds: 60 });
  anonymous = new ApiClient(server.url);
});
afterAll(() => server.close());

describe('accounts', () => {
  it('registers, logs in, reads /me and logs out (the token stops working at once)', async () => {
    const register = await anonymous.post('/api/v1/auth/register', {
      email: 'Ada@Example.test',
      password: 'analytical engine',
      displayName: 'Ada',
    });
    expect(register.status).toBe(201);
    expect(register.body.user).toMatchObject({ email: 'Ada@Example.test', displayName: 'Ada' });
    expect(register.body.token).toMatch(/^jks_/);
    expect(JSON.stringify(register.body)).not.toContain('password');

    const duplicate = await anonymous.post('/api/v1/auth/register', {
      email: 'ada@example.test',
      password: 'another password',
      displayName: 'Ada 2',
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.headers.get('content-type')).toContain('application/problem+json');

    const login = await anonymous.post('/api/v1/auth/login', {
      email: 'ada@example.test',
      password: 'analytical engine',
    });
    expect(login.status).toBe(200);
    const session = anonymous.as(login.body.token);
    expect((await session.get('/api/v1/me')).body).toMatchObject({
      id: register.body.user.id,
      displayName: 'Ada',
    });

    expect((await session.post('/api/v1/auth/logout')).status).toBe(204);
    const after = await session.get('/api/v1/me');
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toBe('Bearer');
    // The other session is untouched.
    expect((await anonymous.as(register.body.token).get('/api/v1/me')).status).toBe(200);
  });

  it('stores passwords as Argon2id hashes and tokens only as hashes', async () => {
    const user = await registerUser(server.url);
    const client = new Client({ connectionString: server.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT password_hash FROM users WHERE id = $1', [user.id]);
      expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
      const tokens = await client.query('SELECT token_hash FROM tokens WHERE user_id = $1', [user.id]);
      const stored = tokens.rows.map((row: { token_hash: Buffer }) => row.token_hash.toString('utf8'));
      expect(stored.join()).not.toContain(user.token.slice(4));
    } finally {
      await client.end();
    }
  });

  it('rejects a wrong password with 401 and rate-limits repeated failures with 429 and Retry-After', async () => {
    const user = await registerUser(server.url);
    for (let i = 0; i < 3; i++) {
      const wrong = await anonymous.post('/api/v1/auth/login', {
        email: user.email,
        password: 'wrong password',
      });
      expect(wrong.status).toBe(401);
    }
    const limited = await anonymous.post('/api/v1/auth/login', {
      email: user.email,
      password: 'correct horse battery',
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  });

  it('issues personal access tokens that can be listed and revoked at once', async () => {
    const user = await registerUser(server.url);
    const created = await user.api.post('/api/v1/me/tokens', { name: 'ci bot' });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^jkp_/);
    const pat = user.api.as(created.body.token);
    expect((await pat.get('/api/v1/me')).body.id).toBe(user.id);

    const list = await user.api.get('/api/v1/me/tokens');
    expect(list.body.items).toEqual([expect.objectContaining({ id: created.body.id, name: 'ci bot' })]);
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);

    const other = await registerUser(server.url);
    expect((await other.api.delete(`/api/v1/me/tokens/${created.body.id}`)).status).toBe(404);
    expect((await pat.get('/api/v1/me')).status).toBe(200);

    expect((await user.api.delete(`/api/v1/me/tokens/${created.body.id}`)).status).toBe(204);
    expect((await pat.get('/api/v1/me')).status).toBe(401);
  });

  it('refuses expired personal tokens', async () => {
    const user = await registerUser(server.url);
    const past = await user.api.post('/api/v1/me/tokens', { name: 'old', expiresAt: '2001-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(past.body.errors).toEqual([expect.objectContaining({ path: 'expiresAt' })]);
  });

  it('answers bad input with problem+json naming every failing field', async () => {
    const malformed = await anonymous.post('/api/v1/auth/register', '{"email": "x"', {
      'content-type': 'application/json',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');

    const invalid = await anonymous.post('/api/v1/auth/register', {
      email: 'not-an-email',
      password: 'short',
      displayName: 42,
      admin: true,
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ status: 400, title: 'Bad Request', type: expect.any(String) });
    const paths = invalid.body.errors.map((error: { path: string }) => error.path).sort();
    expect(paths).toEqual(['admin', 'displayName', 'email', 'password']);

    const huge = await anonymous.post('/api/v1/auth/login', {
      email: 'a@b.test',
      password: 'x'.repeat(2 * 1024 * 1024),
    });
    expect(huge.status).toBe(413);
    expect(huge.body.status).toBe(413);
  });

  it('answers /health with the database status', async () => {
    const health = await anonymous.get('/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const traced = await anonymous.request('GET', '/health', undefined, { 'x-request-id': 'trace-123' });
    expect(traced.headers.get('x-request-id')).toBe('trace-123');
  });

  it('publishes the OpenAPI document', async () => {
    const docs = await anonymous.get('/api/docs-json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/register', '/api/v1/me/tokens']),
    );
  });
});
