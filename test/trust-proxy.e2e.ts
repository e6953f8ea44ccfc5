import { registerUser } from '../fixtures/factories';
import { requestFrom } from '../fixtures/request-from';
import { startTestServer, TestServer } from './support/server';

/** Tight login limits, so a bucket fills in a few requests. */
const limits = { loginMaxFailures: 3, loginAddressMaxFailures: 3, loginAccountMaxFailures: 100 };

const failLogin = (server: TestServer, email: string, forwardedFor: string) =>
  requestFrom(
    '127.0.0.1',
    server.url,
    'POST',
    '/api/v1/auth/login',
    { email, password: 'wrong guess' },
    {
      'x-forwarded-for': forwardedFor,
    },
  );

/** The statuses of `count` failed logins in a row, each claiming to come from `forwardedFor`. */
async function failures(server: TestServer, email: string, forwardedFor: string, count: number) {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push((await failLogin(server, email, forwardedFor)).status);
  return statuses;
}

describe('TRUST_PROXY', () => {
  let behindProxy: TestServer;
  let direct: TestServer;

  beforeAll(async () => {
    behindProxy = await startTestServer({ ...limits, trustProxy: ['127.0.0.1'] });
    direct = await startTestServer(limits);
  });

  afterAll(async () => {
    await behindProxy.close();
    await direct.close();
  });

  it('gives each forwarded client its own login bucket when the peer is a trusted proxy', async () => {
    const user = await registerUser(behindProxy.url);
    expect(await failures(behindProxy, user.email, '203.0.113.7', 4)).toEqual([401, 401, 401, 429]);
    // Another client behind the same proxy is not locked out by the first one's failures.
    expect(await failures(behindProxy, user.email, '203.0.113.8', 4)).toEqual([401, 401, 401, 429]);
    // A client cannot prepend addresses of its own choosing: the proxy's own entry (the last) decides.
    expect(await failures(behindProxy, user.email, '198.51.100.1, 203.0.113.7', 1)).toEqual([429]);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const user = await registerUser(direct.url);
    expect(await failures(direct, user.email, '203.0.113.7', 3)).toEqual([401, 401, 401]);
    // A spoofed header changes nothing: the same peer, the same (full) bucket.
    expect(await failures(direct, user.email, '203.0.113.8', 1)).toEqual([429]);
  });
});
