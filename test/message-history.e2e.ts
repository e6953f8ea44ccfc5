import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

// A channel's history read from a message (a jump link) both ways: `around` a message, then older pages by
// `cursor` and newer ones by `after`, meeting without gaps or repeats.

interface HistoryPage {
  items: { id: string; text: string }[];
  nextCursor: string | null;
  newerCursor: string | null;
}

let server: TestServer;
let alice: TestUser;
let outsider: TestUser;
let channelId: string;
/** Ids of the channel's top-level messages, oldest first. */
const posted: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  alice = await registerUser(server.url, 'Alice');
  outsider = await registerUser(server.url, 'Outsider');
  const workspaceId = (await createWorkspace(alice)).id;
  await addToWorkspace(alice, workspaceId, outsider);
  channelId = (await createChannel(alice, workspaceId, 'private')).id;
  for (let i = 0; i < 11; i++) posted.push((await postMessage(alice, channelId, `m${i}`)).id);
});
afterAll(() => server.close());

async function page(query: string): Promise<HistoryPage> {
  const answer = await alice.api.get(`/api/v1/channels/${channelId}/messages?${query}`);
  expect(answer.status).toBe(200);
  return answer.body as HistoryPage;
}

const ids = (history: HistoryPage) => history.items.map((item) => item.id);

it('answers the newest page with no newer cursor', async () => {
  const newest = await page('limit=3');
  expect(ids(newest)).toEqual(posted.slice(8).reverse());
  expect(newest.newerCursor).toBeNull();
  expect(newest.nextCursor).toEqual(expect.any(String));
});

it('pages around a message, then older and newer by cursor, covering the history once', async () => {
  const middle = await page(`around=${posted[5]}&limit=5`);
  expect(ids(middle)).toEqual(posted.slice(3, 8).reverse());
  const seen = ids(middle);
  let older = middle.nextCursor;
  while (older) {
    const next = await page(`cursor=${older}&limit=2`);
    seen.push(...ids(next));
    older = next.nextCursor;
  }
  let newer = middle.newerCursor;
  while (newer) {
    const next = await page(`after=${newer}&limit=2`);
    expect(next.nextCursor).toEqual(expect.any(String));
    seen.unshift(...ids(next));
    newer = next.newerCursor;
  }
  expect(seen).toEqual([...posted].reverse());
});

it('has no cursor beyond either end of the history', async () => {
  const oldest = await page(`around=${posted[0]}&limit=3`);
  expect(ids(oldest)).toEqual([posted[1], posted[0]]);
  expect(oldest.nextCursor).toBeNull();
  const newest = await page(`around=${posted[10]}&limit=3`);
  expect(ids(newest)).toEqual([posted[10], posted[9]]);
  expect(newest.newerCursor).toBeNull();
});

it('centres a reply on its thread root', async () => {
  const reply = await postMessage(alice, channelId, 'a reply', { threadId: posted[2] });
  const around = await page(`around=${reply.id}&limit=3`);
  expect(ids(around)).toEqual([posted[3], posted[2], posted[1]]);
});

it('refuses two positions at once, a malformed one, and a message of another channel', async () => {
  const both = await alice.api.get(`/api/v1/channels/${channelId}/messages?around=${posted[1]}&after=abc`);
  expect(both.status).toBe(400);
  expect(both.body.errors.map((error: { path: string }) => error.path).sort()).toEqual([
    'query/after',
    'query/around',
  ]);
  const badAfter = await alice.api.get(`/api/v1/channels/${channelId}/messages?after=not-a-cursor`);
  expect(badAfter.status).toBe(400);
  expect(badAfter.body.errors).toEqual([
    { path: 'query/after', message: 'is not a cursor this API returned' },
  ]);
  const badAround = await alice.api.get(`/api/v1/channels/${channelId}/messages?around=nope`);
  expect(badAround.status).toBe(400);
  const elsewhere = await createChannel(alice, (await createWorkspace(alice)).id);
  const foreign = await alice.api.get(`/api/v1/channels/${elsewhere.id}/messages?around=${posted[1]}`);
  expect(foreign.status).toBe(404);
});

it('shows nothing around a message to someone outside the channel', async () => {
  const answer = await outsider.api.get(`/api/v1/channels/${channelId}/messages?around=${posted[1]}`);
  expect(answer.status).toBe(404);
});
