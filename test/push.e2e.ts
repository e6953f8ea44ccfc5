import { PushRepository } from '../core/src/push/push.repository';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { LocalPushService, TestSubscriber, verifyVapid } from '../fixtures/push-service';
import { RealtimeClient } from '../fixtures/realtime-client';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

/**
 * Web Push with the tab closed, end to end without an outside push service: Bob's "browser" is a key pair
 * and an auth secret subscribed at a push service on 127.0.0.1; what the server pushes is decrypted with his
 * private key (RFC 8291) and its VAPID token verified with the key the server publishes.
 */
let server: TestServer;
let push: LocalPushService;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let workspaceId: string;
let dmId: string;
let general: { id: string; name: string };
/** Bob's first browser, subscribed in the second test. */
let laptop: TestSubscriber;

beforeAll(async () => {
  server = await startTestServer({
    egressAllowNetworks: ['127.0.0.0/8'],
    pushContact: 'mailto:ops@example.test',
  });
  push = await LocalPushService.start();
  [alice, bob, carol] = await Promise.all(
    ['Alice', 'Bob', 'Carol'].map((name) => registerUser(server.url, name)),
  );
  workspaceId = (await createWorkspace(alice)).id;
  await addToWorkspace(alice, workspaceId, bob);
  await addToWorkspace(alice, workspaceId, carol);
  dmId = (await alice.api.post(`/api/v1/workspaces/${workspaceId}/dms`, { userIds: [bob.id] })).body.id;
  general = await createChannel(alice, workspaceId, 'public', 'general');
  await bob.api.post(`/api/v1/channels/${general.id}/join`);
});

afterAll(async () => {
  await push.close();
  await server.close();
});

interface Payload {
  title: string;
  body: string;
  url: string;
  tag: string;
}

/** Subscribes a new "browser" of the user at the local push service. */
async function subscribe(user: TestUser, name: string): Promise<{ subscriber: TestSubscriber; id: string }> {
  const subscriber = new TestSubscriber(`${push.url}/push/${name}`);
  const answer = await user.api.post('/api/v1/me/push-subscriptions', subscriber.toJSON());
  expect(answer.status).toBe(201);
  return { subscriber, id: answer.body.id };
}

/** Posts each text in turn and answers the payload of the next push after them (pushes keep the stream's order). */
async function nextPush(subscriber: TestSubscriber, post: () => Promise<unknown>): Promise<Payload> {
  const seen = push.received.length;
  await post();
  return subscriber.decrypt(await push.request(seen, new URL(subscriber.endpoint).pathname)) as Payload;
}

test('subscriptions are validated and belong to their owner', async () => {
  const wrong = await bob.api.post('/api/v1/me/push-subscriptions', {
    endpoint: 'ftp://push.example/x',
    keys: { p256dh: 'short', auth: 'A'.repeat(22) },
  });
  expect(wrong.status).toBe(400);
  expect(wrong.headers.get('content-type')).toContain('application/problem+json');
  expect(wrong.body.errors.map((error: { path: string }) => error.path).sort()).toEqual([
    'endpoint',
    'keys/p256dh',
  ]);

  const { id } = await subscribe(bob, 'spare');
  expect((await alice.api.delete(`/api/v1/me/push-subscriptions/${id}`)).status).toBe(404);
  expect((await bob.api.delete(`/api/v1/me/push-subscriptions/${id}`)).status).toBe(204);
  expect((await bob.api.delete(`/api/v1/me/push-subscriptions/${id}`)).status).toBe(404);

  const zone = await bob.api.put('/api/v1/me/push-settings', {
    quietHours: { from: '22:00', to: '07:00', timeZone: 'Mars/Olympus' },
  });
  expect(zone.status).toBe(400);
  expect(zone.body.errors).toEqual([expect.objectContaining({ path: 'quietHours/timeZone' })]);
});

test('a DM and a mention reach a person with no open socket, encrypted and VAPID-signed', async () => {
  laptop = (await subscribe(bob, 'bob-laptop')).subscriber;
  const dm = await nextPush(laptop, () => postMessage(alice, dmId, 'Lunch at noon?'));
  expect(dm).toEqual({
    title: 'Alice',
    body: 'Lunch at noon?',
    url: `/w/${workspaceId}/c/${dmId}`,
    tag: expect.any(String),
  });

  const request = push.received.at(-1)!;
  expect(request.path).toBe('/push/bob-laptop');
  expect(request.headers['content-encoding']).toBe('aes128gcm');
  expect(request.headers.ttl).toBe('86400');
  const { key, claims } = await verifyVapid(request);
  expect(key).toBe((await bob.api.get('/api/v1/push/vapid-key')).body.publicKey);
  expect(claims.aud).toBe(push.url);
  expect(claims.sub).toBe('mailto:ops@example.test');
  expect(claims.exp).toBeGreaterThan(Date.now() / 1000);

  // In a channel, only a mention calls on him; a message that does not is never pushed.
  const mention = await nextPush(laptop, async () => {
    await postMessage(alice, general.id, 'Morning all');
    await postMessage(alice, general.id, `<@${bob.id}> the deploy is done`);
  });
  expect(mention.title).toBe('Alice · #general');
  expect(mention.body).toContain('the deploy is done');
});

/** "HH:MM" in UTC, `minutes` from now. */
const utcClock = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString().slice(11, 16);

test('no push while a socket is open, in a muted channel, or in quiet hours', async () => {
  const { subscriber } = await subscribe(bob, 'bob-phone');
  // Pushes go out in the stream's order: once a later message reached Carol, Bob's was judged already.
  const carolDm = (await alice.api.post(`/api/v1/workspaces/${workspaceId}/dms`, { userIds: [carol.id] }))
    .body.id;
  const { subscriber: carolBrowser } = await subscribe(carol, 'carol');
  const judged = async (text: string) => {
    await postMessage(alice, dmId, text);
    await nextPush(carolBrowser, () => postMessage(alice, carolDm, `after ${text}`));
  };

  let last = 0;
  const payload = await nextPush(subscriber, async () => {
    const socket = await RealtimeClient.connect(server.url, { token: bob.token });
    await judged('while the tab is open');
    socket.close();
    await eventually(async () => {
      const { items } = (await alice.api.get(`/api/v1/workspaces/${workspaceId}/presence`)).body;
      const status = items.find((item: { userId: string }) => item.userId === bob.id)?.status;
      return status === 'offline' || undefined;
    }, 'Bob offline');

    const mute = (muted: boolean) =>
      bob.api.put(`/api/v1/channels/${dmId}/notification-preferences`, { muted });
    expect((await mute(true)).status).toBe(200);
    await judged('while muted');
    await mute(false);

    // His quiet hours span the present moment on his (UTC) clock.
    const quiet = { quietHours: { from: utcClock(-60), to: utcClock(60), timeZone: 'UTC' } };
    expect((await bob.api.put('/api/v1/me/push-settings', quiet)).body).toEqual(quiet);
    expect((await bob.api.get('/api/v1/me/push-settings')).body).toEqual(quiet);
    await judged('in quiet hours');
    await bob.api.put('/api/v1/me/push-settings', { quietHours: null });
    last = push.received.length;
    await postMessage(alice, dmId, 'after the quiet');
  });
  // The next push is the last one: the three before it were held back. His other browser gets it too.
  expect(payload.body).toBe('after the quiet');
  expect(laptop.decrypt(await push.request(last, '/push/bob-laptop'))).toEqual(payload);
});

test('a subscription the push service answers 410 for is forgotten', async () => {
  const repository = server.app.get(PushRepository);
  const before = await repository.ofUsers([bob.id]);
  expect(before).toHaveLength(2);
  push.answerNext(410);
  const seen = push.received.length;
  await postMessage(alice, dmId, 'are you there?');
  const gone = await push.request(seen);
  await eventually(
    async () => (await repository.ofUsers([bob.id])).length === 1 || undefined,
    'the gone subscription removed',
  );
  const [kept] = await repository.ofUsers([bob.id]);
  expect(gone.path).not.toBe(new URL(kept.endpoint).pathname);
});
