import { Clock } from '../core/src/common/clock';
import { Database } from '../core/src/database/database';
import { EgressClient } from '../core/src/egress/egress.client';
import { EventFeed } from '../core/src/events/event-feed';
import { WebhookWorker } from '../core/src/webhooks/webhook-worker';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { RealtimeClient } from '../fixtures/realtime-client';
import { ReceivedDelivery, WebhookReceiver } from '../fixtures/webhook-receiver';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

/**
 * Outgoing webhooks end to end: real receivers on 127.0.0.1 (allowed by the test config's egress allowlist)
 * verify every delivery with the official `standardwebhooks` library. Retry timing runs on the server's
 * clock, which the tests move instead of sleeping.
 */
let server: TestServer;
let clockOffset = 0;
const receivers: WebhookReceiver[] = [];

interface Subscription {
  id: string;
  secret: string;
}

interface Delivery {
  id: string;
  messageId: string;
  eventType: string;
  status: string;
  nextAttemptAt: string | null;
  lastError: string | null;
  attempts: { statusCode: number | null; error: string | null; responseExcerpt: string | null }[];
}

beforeAll(async () => {
  server = await startTestServer({
    egressAllowNetworks: ['127.0.0.0/8'],
    webhookTimeoutMs: 2000,
    webhookPollIntervalMs: 50,
    // The retention test moves the clock 31 days on: the sessions made before must outlive that.
    sessionTtlHours: 24 * 365,
  });
  jest.spyOn(server.app.get(Clock), 'now').mockImplementation(() => Date.now() + clockOffset);
});

beforeEach(() => {
  clockOffset = 0;
});

afterAll(async () => {
  for (const receiver of receivers) await receiver.close();
  await server.close();
});

/** Moves the server's clock and lets the worker look for what became due. */
/** Every due delivery claimed and tried, outcomes written: what has not been sent by then was not due. */
async function settled(): Promise<void> {
  await server.app.get(WebhookWorker).settled();
}

function advance(ms: number): void {
  clockOffset += ms;
  server.app.get(WebhookWorker).wake();
}

async function receiver(): Promise<WebhookReceiver> {
  const started = await WebhookReceiver.start();
  receivers.push(started);
  return started;
}

async function team() {
  const owner = await registerUser(server.url, 'Owner');
  const workspace = await createWorkspace(owner);
  const channel = await createChannel(owner, workspace.id);
  return { owner, workspaceId: workspace.id, channelId: channel.id };
}

async function subscribe(
  owner: TestUser,
  workspaceId: string,
  url: string,
  extra: Record<string, unknown> = {},
): Promise<Subscription> {
  const response = await owner.api.post(`/api/v1/workspaces/${workspaceId}/webhooks`, {
    url,
    events: ['message.created'],
    ...extra,
  });
  expect(response.status).toBe(201);
  return response.body as Subscription;
}

async function deliveries(owner: TestUser, workspaceId: string, webhookId: string): Promise<Delivery[]> {
  const response = await owner.api.get(`/api/v1/workspaces/${workspaceId}/webhooks/${webhookId}/deliveries`);
  expect(response.status).toBe(200);
  return (response.body as { items: Delivery[] }).items;
}

/** Waits until the only delivery of a webhook satisfies `done`. */
async function deliveryWhen(
  owner: TestUser,
  workspaceId: string,
  webhookId: string,
  done: (delivery: Delivery) => boolean,
): Promise<Delivery> {
  return await eventually(async () => {
    const [delivery] = await deliveries(owner, workspaceId, webhookId);
    return delivery && done(delivery) ? delivery : undefined;
  }, 'the delivery log');
}

const answer =
  (status: number, headers: Record<string, string> = {}, body = '') =>
  (_delivery: ReceivedDelivery, response: import('node:http').ServerResponse) =>
    response.writeHead(status, headers).end(body);

describe('outgoing webhooks', () => {
  it('delivers subscribed events signed per Standard Webhooks, verified by the official library', async () => {
    const { owner, workspaceId, channelId } = await team();
    const sink = await receiver();
    const hook = await subscribe(owner, workspaceId, `${sink.url}/jokkaer`);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const message = await postMessage(owner, channelId, 'hello, receiver');
    await owner.api.post(`/api/v1/messages/${message.id}/reactions`, { emoji: 'tada' }); // not subscribed
    const [delivery] = await sink.waitFor(1);

    expect(delivery.path).toBe('/jokkaer');
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['webhook-id']).toMatch(/^msg_/);
    expect(WebhookReceiver.verify(delivery, hook.secret)).toMatchObject({
      type: 'message.created',
      data: { id: message.id, channelId, workspaceId, text: 'hello, receiver' },
    });
    expect(Date.parse(delivery.payload.timestamp)).not.toBeNaN();
    // A forged copy does not verify.
    expect(() =>
      WebhookReceiver.verify({ ...delivery, body: delivery.body.replace('hello', 'hullo') }, hook.secret),
    ).toThrow();

    const logged = await deliveryWhen(owner, workspaceId, hook.id, (entry) => entry.status !== 'pending');
    expect(logged).toMatchObject({ messageId: delivery.headers['webhook-id'], status: 'succeeded' });
    expect(logged.attempts).toEqual([
      expect.objectContaining({ statusCode: 200, responseExcerpt: 'thanks' }),
    ]);
    // The reaction was not subscribed: a later message arrives, and nothing else came with it.
    await postMessage(owner, channelId, 'after the reaction');
    await sink.waitFor(2);
    await settled();
    expect(sink.received.map((received) => [received.payload.type, received.payload.data.text])).toEqual([
      ['message.created', 'hello, receiver'],
      ['message.created', 'after the reaction'],
    ]);
  });

  it('sends private channel events only while the creator can see them, and honours the channel filter', async () => {
    const { owner, workspaceId, channelId } = await team();
    const colleague = await registerUser(server.url);
    await addToWorkspace(owner, workspaceId, colleague, 'admin');
    const secretRoom = await createChannel(colleague, workspaceId, 'private');
    const other = await createChannel(owner, workspaceId);
    const sink = await receiver();
    await subscribe(owner, workspaceId, sink.url);
    const filtered = await receiver();
    await subscribe(owner, workspaceId, filtered.url, { channelIds: [other.id] });

    await postMessage(colleague, secretRoom.id, 'not for the owner');
    await postMessage(owner, channelId, 'public one');
    await postMessage(owner, other.id, 'in the filtered channel');
    // Fanned out in order: once a later message reaches both, nothing more is coming from before it.
    await postMessage(owner, other.id, 'marker');
    await sink.waitFor(3);
    await filtered.waitFor(2);
    await settled();
    expect(sink.received.map((delivery) => delivery.payload.data.text).sort()).toEqual([
      'in the filtered channel',
      'marker',
      'public one',
    ]);
    expect(filtered.received.map((delivery) => delivery.payload.data.text).sort()).toEqual([
      'in the filtered channel',
      'marker',
    ]);

    // Once the creator is in the private channel, its events flow.
    expect(
      (await colleague.api.post(`/api/v1/channels/${secretRoom.id}/members`, { userId: owner.id })).status,
    ).toBe(204);
    await postMessage(colleague, secretRoom.id, 'now visible');
    await sink.waitFor(4);
    expect(sink.received[3].payload.data.text).toBe('now visible');

    // A filter naming a private channel the caller cannot read is refused as if it did not exist.
    const outsiderChannel = await createChannel(colleague, workspaceId, 'private');
    const refused = await owner.api.post(`/api/v1/workspaces/${workspaceId}/webhooks`, {
      url: sink.url,
      events: ['message.created'],
      channelIds: [outsiderChannel.id],
    });
    expect(refused.status).toBe(404);
  });

  it('lets only workspace admins manage webhooks, and never another workspace’s', async () => {
    const { owner, workspaceId } = await team();
    const member = await registerUser(server.url);
    await addToWorkspace(owner, workspaceId, member);
    const stranger = await team();
    const sink = await receiver();
    const hook = await subscribe(owner, workspaceId, sink.url);
    const path = `/api/v1/workspaces/${workspaceId}/webhooks`;

    expect((await member.api.post(path, { url: sink.url, events: ['message.created'] })).status).toBe(403);
    expect((await member.api.get(`${path}/${hook.id}/deliveries`)).status).toBe(403);
    expect((await stranger.owner.api.get(`${path}/${hook.id}`)).status).toBe(404);
    expect(
      (await stranger.owner.api.get(`/api/v1/workspaces/${stranger.workspaceId}/webhooks/${hook.id}`)).status,
    ).toBe(404);
    const listed = await owner.api.get(path);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: hook.id, enabled: true })]);
    expect(JSON.stringify(listed.body)).not.toContain(hook.secret);

    const bad = await owner.api.post(path, {
      url: 'ftp://example.com',
      events: ['message.posted'],
      extra: 1,
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors.map((error: { path: string }) => error.path).sort()).toEqual([
      'events/0',
      'extra',
      'url',
    ]);

    expect((await owner.api.delete(`${path}/${hook.id}`)).status).toBe(204);
    expect((await owner.api.get(`${path}/${hook.id}`)).status).toBe(404);
  });

  it('retries a 500 with the same webhook-id and a new timestamp, on schedule', async () => {
    const { owner, workspaceId, channelId } = await team();
    const sink = await receiver();
    sink.respondNext(answer(500, {}, 'database is down'));
    const hook = await subscribe(owner, workspaceId, sink.url);
    await postMessage(owner, channelId, 'try, try again');
    await sink.waitFor(1);
    const failed = await deliveryWhen(
      owner,
      workspaceId,
      hook.id,
      (delivery) => delivery.attempts.length === 1,
    );
    expect(failed).toMatchObject({ status: 'pending', lastError: 'the endpoint answered 500' });
    expect(failed.attempts[0]).toMatchObject({ statusCode: 500, responseExcerpt: 'database is down' });
    const wait = Date.parse(failed.nextAttemptAt!) - (Date.now() + clockOffset);
    expect(wait).toBeGreaterThan(3_500); // 5 s ± 10 %
    expect(wait).toBeLessThan(5_600);

    advance(3_000);
    await settled();
    expect(sink.received).toHaveLength(1); // not yet due
    advance(3_000);
    const [first, second] = await sink.waitFor(2);
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(Number(second.headers['webhook-timestamp'])).toBeGreaterThan(
      Number(first.headers['webhook-timestamp']),
    );
    expect(WebhookReceiver.verify(second, hook.secret)).toMatchObject({ type: 'message.created' });
    const done = await deliveryWhen(
      owner,
      workspaceId,
      hook.id,
      (delivery) => delivery.status === 'succeeded',
    );
    expect(done.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 200]);
  });

  it.each([429, 503])('honours Retry-After on %i', async (status) => {
    const { owner, workspaceId, channelId } = await team();
    const sink = await receiver();
    sink.respondNext(answer(status, { 'retry-after': '120' }));
    const hook = await subscribe(owner, workspaceId, sink.url);
    await postMessage(owner, channelId, 'slow down');
    const limited = await deliveryWhen(
      owner,
      workspaceId,
      hook.id,
      (delivery) => delivery.attempts.length === 1,
    );
    const wait = Date.parse(limited.nextAttemptAt!) - (Date.now() + clockOffset);
    expect(wait).toBeGreaterThan(118_000);
    advance(60_000);
    await settled();
    expect(sink.received).toHaveLength(1);
    advance(61_000);
    await sink.waitFor(2);
    await deliveryWhen(owner, workspaceId, hook.id, (delivery) => delivery.status === 'succeeded');
  });

  it('stops retrying when the receiver says abort-message, and redelivers on request', async () => {
    const { owner, workspaceId, channelId } = await team();
    const sink = await receiver();
    sink.respondNext(answer(400, { 'webhook-delivery': 'abort-message' }));
    const hook = await subscribe(owner, workspaceId, sink.url);
    await postMessage(owner, channelId, 'unwanted');
    const aborted = await deliveryWhen(
      owner,
      workspaceId,
      hook.id,
      (delivery) => delivery.status === 'aborted',
    );
    expect(aborted.nextAttemptAt).toBeNull();
    advance(3_600_000);
    await settled();
    expect(sink.received).toHaveLength(1);

    const path = `/api/v1/workspaces/${workspaceId}/webhooks/${hook.id}/deliveries/${aborted.id}/redeliver`;
    expect((await owner.api.post(path)).status).toBe(202);
    const [first, again] = await sink.waitFor(2);
    expect(again.headers['webhook-id']).toBe(first.headers['webhook-id']);
    await deliveryWhen(owner, workspaceId, hook.id, (delivery) => delivery.status === 'succeeded');
    expect(
      (await owner.api.post(path.replace(aborted.id, '00000000-0000-7000-8000-000000000000'))).status,
    ).toBe(404);
  });

  it('disables the endpoint on 410 Gone and tells the workspace admins, not the members', async () => {
    const { owner, workspaceId, channelId } = await team();
    const member = await registerUser(server.url);
    await addToWorkspace(owner, workspaceId, member);
    const ownerSocket = await RealtimeClient.connect(server.url, { token: owner.token });
    const memberSocket = await RealtimeClient.connect(server.url, { token: member.token });
    try {
      const sink = await receiver();
      sink.respondAlways(answer(410));
      const hook = await subscribe(owner, workspaceId, sink.url);
      await postMessage(owner, channelId, 'anyone there?');
      const frame = await ownerSocket.next((candidate) => candidate.type === 'webhook.disabled');
      expect(frame.data).toMatchObject({
        id: hook.id,
        workspaceId,
        reason: 'the endpoint answered 410 Gone',
      });
      const view = await owner.api.get(`/api/v1/workspaces/${workspaceId}/webhooks/${hook.id}`);
      expect(view.body).toMatchObject({ enabled: false, disabledReason: 'the endpoint answered 410 Gone' });
      // Attempt outcomes are written in batches, so the log may trail the event by a few milliseconds.
      const delivery = await deliveryWhen(owner, workspaceId, hook.id, (entry) => entry.status !== 'pending');
      expect(delivery).toMatchObject({ status: 'failed' });

      // A disabled endpoint gets nothing, not even a queue; re-enabled, it receives what happens next.
      sink.respondAlways(answer(204));
      await postMessage(owner, channelId, 'while disabled');
      expect(
        (await owner.api.patch(`/api/v1/workspaces/${workspaceId}/webhooks/${hook.id}`, { enabled: true }))
          .status,
      ).toBe(200);
      await postMessage(owner, channelId, 'back again');
      await sink.waitFor(2);
      await settled();
      // Had the disabled endpoint queued anything, it would have come before (or with) what followed.
      expect(sink.received.map((received) => received.payload.data.text)).toEqual([
        'anyone there?',
        'back again',
      ]);
      // A public channel is announced to every member, later than the disabling: members were never told of it.
      const open = await createChannel(owner, workspaceId, 'public');
      await memberSocket.next(
        (candidate) => candidate.type === 'channel.created' && candidate.data.id === open.id,
      );
      expect(memberSocket.frames.some((candidate) => candidate.type === 'webhook.disabled')).toBe(false);
    } finally {
      ownerSocket.ws.close();
      memberSocket.ws.close();
    }
  });

  it('disables an endpoint that has failed continuously for five days', async () => {
    const { owner, workspaceId, channelId } = await team();
    const sink = await receiver();
    sink.respondAlways(answer(502));
    const hook = await subscribe(owner, workspaceId, sink.url);
    await postMessage(owner, channelId, 'day one');
    await deliveryWhen(owner, workspaceId, hook.id, (delivery) => delivery.attempts.length === 1);
    const failing = await owner.api.get(`/api/v1/workspaces/${workspaceId}/webhooks/${hook.id}`);
    expect(failing.body).toMatchObject({ enabled: true, failingSince: expect.any(String) });

    advance(4 * 86_400_000); // four days on: still enabled after the next failure
    await postMessage(owner, channelId, 'day five');
    await sink.waitFor(3);
    await settled();
    expect((await owner.api.get(`/api/v1/workspaces/${workspaceId}/webhooks/${hook.id}`)).body.enabled).toBe(
      true,
    );

    advance(86_400_000 + 60_000);
    await postMessage(owner, channelId, 'day six');
    const disabled = await eventually(async () => {
      const view = await owner.api.get(`/api/v1/workspaces/${workspaceId}/webhooks/${hook.id}`);
      return view.body.enabled === false ? view.body : undefined;
    }, 'the endpoint to be disabled');
    expect(disabled.disabledReason).toMatch(/^every delivery failed since /);
  });

  it('gives up after the schedule is spent and recovers failed deliveries on request', async () => {
    const { owner, workspaceId, channelId } = await team();
    const sink = await receiver();
    sink.respondAlways(answer(500));
    const hook = await subscribe(owner, workspaceId, sink.url);
    const since = new Date(Date.now() - 1000).toISOString();
    await postMessage(owner, channelId, 'doomed');
    // Seven retries over about 27 hours; each step jumps past the longest (jittered) wait.
    for (let attempt = 1; attempt <= 7; attempt += 1) {
      await deliveryWhen(owner, workspaceId, hook.id, (delivery) => delivery.attempts.length === attempt);
      advance(11 * 3_600_000 * 1.1);
    }
    const failed = await deliveryWhen(
      owner,
      workspaceId,
      hook.id,
      (delivery) => delivery.status === 'failed',
    );
    expect(failed.attempts).toHaveLength(8);
    expect(sink.received).toHaveLength(8);

    sink.respondAlways(answer(200));
    const recovered = await owner.api.post(`/api/v1/workspaces/${workspaceId}/webhooks/${hook.id}/recover`, {
      since,
    });
    expect(recovered).toMatchObject({ status: 202, body: { requeued: 1 } });
    await sink.waitFor(9);
    await deliveryWhen(owner, workspaceId, hook.id, (delivery) => delivery.status === 'succeeded');
  });

  it('times out a hanging receiver without holding up other endpoints', async () => {
    const { owner, workspaceId, channelId } = await team();
    const stuck = await receiver();
    stuck.respondAlways(() => undefined); // never answers
    const healthy = await receiver();
    const slow = await subscribe(owner, workspaceId, stuck.url);
    await subscribe(owner, workspaceId, healthy.url);
    const postedAt: number[] = [];
    for (let index = 0; index < 20; index += 1) {
      postedAt.push(Date.now());
      await postMessage(owner, channelId, `burst ${index}`);
    }

    const arrived = await healthy.waitFor(20);
    await stuck.waitFor(1);
    // Each reached the healthy endpoint sooner than an attempt at the stuck one takes to time out (2 s): none
    // waited behind it. Timed from each post, not from the first, so a slow machine's posting does not count.
    const waits = postedAt.map(
      (at, index) => arrived.find((delivery) => delivery.body.includes(`"burst ${index}"`))!.receivedAt - at,
    );
    expect(Math.max(...waits)).toBeLessThan(2000);
    expect(stuck.received.length).toBeLessThanOrEqual(8); // its own concurrency limit

    const timedOut = await eventually(async () => {
      const items = await deliveries(owner, workspaceId, slow.id);
      return items.find((delivery) => delivery.attempts.length > 0);
    }, 'a timed-out attempt');
    expect(timedOut.attempts[0]).toMatchObject({
      statusCode: null,
      error: 'refused: no complete answer within 2000 ms',
    });
    expect(timedOut.status).toBe('pending');
  });

  it('forgets finished deliveries after the retention period, never pending ones', async () => {
    const { owner, workspaceId, channelId } = await team();
    const sink = await receiver();
    sink.respondNext(answer(200));
    sink.respondAlways(answer(500));
    const hook = await subscribe(owner, workspaceId, sink.url);
    await postMessage(owner, channelId, 'delivered');
    await deliveryWhen(owner, workspaceId, hook.id, (delivery) => delivery.status === 'succeeded');
    await postMessage(owner, channelId, 'still retrying');
    await eventually(async () => {
      const items = await deliveries(owner, workspaceId, hook.id);
      return items.length === 2 && items[0].attempts.length === 1 ? items : undefined;
    }, 'the failed attempt');
    clockOffset = 31 * 86_400_000;
    await server.app.get(WebhookWorker).prune();
    const left = await deliveries(owner, workspaceId, hook.id);
    expect(left.map((delivery) => delivery.status)).toEqual(['pending']);
  });

  it('rotates the secret: both sign during the grace period, then only the new one', async () => {
    const { owner, workspaceId, channelId } = await team();
    const sink = await receiver();
    const hook = await subscribe(owner, workspaceId, sink.url);
    const rotated = await owner.api.post(
      `/api/v1/workspaces/${workspaceId}/webhooks/${hook.id}/rotate-secret`,
      {
        graceSeconds: 3600,
      },
    );
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).not.toBe(hook.secret);

    await postMessage(owner, channelId, 'during the grace period');
    const [during] = await sink.waitFor(1);
    expect(during.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(WebhookReceiver.verify(during, hook.secret)).toBeTruthy();
    expect(WebhookReceiver.verify(during, fresh)).toBeTruthy();

    clockOffset = 3_601_000; // the grace period is over
    await postMessage(owner, channelId, 'after it');
    const [, after] = await sink.waitFor(2);
    const signatures = after.headers['webhook-signature'].split(' ');
    // The receiver's clock is an hour behind the server's here, so the signatures are compared directly
    // with what the library computes (its verify() would also reject the timestamp).
    expect(signatures).toEqual([WebhookReceiver.expectedSignature(after, fresh)]);
    expect(signatures).not.toContain(WebhookReceiver.expectedSignature(after, hook.secret));
  });
});

describe('egress guard on webhooks', () => {
  it('costs no fan-out for events no webhook wants, and delivers the next one some webhook does', async () => {
    const elsewhere = await team();
    const { owner, workspaceId, channelId } = await team();
    const sink = await receiver();
    sink.respondAlways(answer(204));
    await subscribe(owner, workspaceId, sink.url);
    await postMessage(owner, channelId, 'first');
    await sink.waitFor(1);
    const { knex } = server.app.get(Database);
    const cursor = async () =>
      (await knex.raw<{ rows: { seq: string }[] }>('SELECT cursor_seq::text AS seq FROM webhook_fanout'))
        .rows[0].seq;
    const before = await cursor();

    for (let index = 0; index < 3; index += 1) {
      await postMessage(elsewhere.owner, elsewhere.channelId, `unwatched ${index}`);
    }
    const { rows } = await knex.raw<{ rows: { seq: string }[] }>('SELECT max(seq)::text AS seq FROM events');
    const feed = server.app.get(EventFeed);
    await eventually(() => Promise.resolve(BigInt(feed.seq) >= BigInt(rows[0].seq) || undefined), 'the feed');
    expect(await cursor()).toBe(before);

    await postMessage(owner, channelId, 'second');
    const [, second] = await sink.waitFor(2);
    expect(second.payload.data.text).toBe('second');
    expect(BigInt(await cursor())).toBeGreaterThan(BigInt(rows[0].seq));
  });

  it('refuses a delivery when the name resolves to a private address by then (DNS rebinding)', async () => {
    const { owner, workspaceId, channelId } = await team();
    const egress = server.app.get(EgressClient);
    const lookup = jest.spyOn(egress, 'lookupHost').mockResolvedValue(['93.184.215.14']);
    try {
      const hook = await subscribe(owner, workspaceId, 'http://hooks.example.test/in');
      lookup.mockResolvedValue(['10.0.0.5']);
      await postMessage(owner, channelId, 'rebind me');
      const refused = await deliveryWhen(
        owner,
        workspaceId,
        hook.id,
        (delivery) => delivery.attempts.length === 1,
      );
      expect(refused.attempts[0]).toMatchObject({
        statusCode: null,
        error: 'refused: hooks.example.test resolves to a private address',
      });
    } finally {
      lookup.mockRestore();
    }
  });

  it('does not follow a redirect, and says so in the log', async () => {
    const { owner, workspaceId, channelId } = await team();
    const sink = await receiver();
    sink.respondNext(answer(302, { location: 'http://169.254.169.254/latest/meta-data/' }));
    const hook = await subscribe(owner, workspaceId, sink.url);
    await postMessage(owner, channelId, 'follow me');
    const logged = await deliveryWhen(
      owner,
      workspaceId,
      hook.id,
      (delivery) => delivery.attempts.length === 1,
    );
    expect(logged).toMatchObject({
      status: 'pending',
      lastError:
        'the endpoint redirected to http://169.254.169.254/latest/meta-data/; redirects are not followed',
    });
    expect(logged.attempts[0].statusCode).toBe(302);
  });

  it('refuses private, loopback and other non-public targets when the allowlist is off', async () => {
    const guarded = await startTestServer();
    try {
      const owner = await registerUser(guarded.url);
      const workspace = await createWorkspace(owner);
      const targets: [string, RegExp][] = [
        ['http://127.0.0.1/hook', /loopback/],
        ['http://localhost:8080/hook', /loopback/],
        ['http://[::1]/hook', /loopback/],
        ['http://[::ffff:127.0.0.1]/hook', /loopback/],
        ['http://0.0.0.0/hook', /unspecified/],
        ['http://169.254.169.254/latest/meta-data/', /linkLocal/],
        ['http://10.0.0.1/hook', /private/],
        ['http://100.64.0.1/hook', /carrierGradeNat/],
        ['http://[64:ff9b::a9fe:a9fe]/hook', /rfc6052/],
        ['http://[2002:7f00:1::1]/hook', /6to4/],
        ['http://2130706433/hook', /loopback/], // 127.0.0.1 in decimal
        ['http://0177.0.0.1/hook', /loopback/], // and in octal
        ['http://0x7f.1/hook', /loopback/],
        ['http://224.0.0.1/hook', /multicast/],
        ['http://user:pass@example.com/hook', /credentials/],
      ];
      for (const [url, reason] of targets) {
        const response = await owner.api.post(`/api/v1/workspaces/${workspace.id}/webhooks`, {
          url,
          events: ['message.created'],
        });
        expect({ url, status: response.status }).toEqual({ url, status: 400 });
        expect(response.body.errors).toEqual([{ path: 'url', message: expect.stringMatching(reason) }]);
      }
    } finally {
      await guarded.close();
    }
  });
});
