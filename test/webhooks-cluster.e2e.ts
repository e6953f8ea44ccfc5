import { WebhookWorker } from '../core/src/webhooks/webhook-worker';
import { ApiClient } from '../fixtures/api-client';
import { createChannel, createWorkspace, registerUser } from '../fixtures/factories';
import { WebhookReceiver } from '../fixtures/webhook-receiver';
import { createTestDatabase } from './support/database';
import { startTestServer, TestServer } from './support/server';

/**
 * Outgoing webhooks on two instances sharing one PostgreSQL: each decides from its own directory of enabled
 * webhooks (kept current through the event stream) whether events need fanning out, so a webhook created
 * through one instance must be known to the other before the events that follow it.
 */
let a: TestServer;
let b: TestServer;
let sink: WebhookReceiver;

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  a = await startTestServer({ databaseUrl, egressAllowNetworks: ['127.0.0.0/8'] });
  b = await startTestServer({ databaseUrl, egressAllowNetworks: ['127.0.0.0/8'] });
  sink = await WebhookReceiver.start();
  sink.respondAlways((_delivery, response) => response.writeHead(204).end());
});

afterAll(async () => {
  await sink.close();
  await a.close();
  await b.close();
});

it('delivers what is posted through one instance to a webhook created through the other, once each', async () => {
  const owner = await registerUser(a.url, 'Owner');
  const workspace = await createWorkspace(owner);
  const channel = await createChannel(owner, workspace.id);
  const created = await owner.api.post(`/api/v1/workspaces/${workspace.id}/webhooks`, {
    url: sink.url,
    events: ['message.created'],
  });
  expect(created.status).toBe(201);

  const throughB = new ApiClient(b.url, owner.token);
  const texts = ['one', 'two', 'three', 'four', 'five'];
  for (const text of texts) {
    expect((await throughB.post(`/api/v1/channels/${channel.id}/messages`, { text })).status).toBe(201);
  }
  await sink.waitFor(texts.length);
  // Both instances fan out; the shared cursor keeps each event to one delivery. Events fan out in order, so
  // a later one delivered and both workers settled leave no time for a second copy of an earlier one.
  const marker = await owner.api.post(`/api/v1/channels/${channel.id}/messages`, { text: 'marker' });
  expect(marker.status).toBe(201);
  await sink.waitFor(texts.length + 1);
  await Promise.all([a, b].map((server) => server.app.get(WebhookWorker).settled()));
  expect(sink.received.map((delivery) => delivery.payload.data.text).sort()).toEqual(
    [...texts, 'marker'].sort(),
  );
});
