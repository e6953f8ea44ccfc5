import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ApiClient } from '../fixtures/api-client';
import { createWorkspace, postMessage, registerUser, TestUser } from '../fixtures/factories';
import { RealtimeClient } from '../fixtures/realtime-client';
import { syntheticExport, zipOf, zipSlip, ZipEntry } from '../fixtures/slack-export';
import { WebhookReceiver } from '../fixtures/webhook-receiver';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
const UPLOAD_LIMIT_BYTES = 64 * 1024;

let server: TestServer;
let owner: TestUser;
let alice: TestUser;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  server = await startTestServer({
    importMaxBytes: IMPORT_MAX_BYTES,
    uploadLimitBytes: UPLOAD_LIMIT_BYTES,
    egressAllowNetworks: ['127.0.0.0/8'],
    importFileHosts: ['127.0.0.1'],
  });
  owner = await registerUser(server.url, 'Owner');
  alice = await registerUser(server.url, 'Alice');
});
afterAll(async () => {
  for (const receiver of receivers) await receiver.close();
  await server.close();
});

interface ImportView {
  id: string;
  status: string;
  counts: Record<string, number>;
  skipped: { item: string; reason: string; count: number; examples: string[] }[];
  error: string | null;
  dayFilesTotal: number;
  dayFilesDone: number;
}

const T0 = 1_700_000_000; // 2023-11-14
const ts = (minutes: number, micros = 0) => `${T0 + minutes * 60}.${String(micros).padStart(6, '0')}`;
const dayOf = (minutes: number) => new Date((T0 + minutes * 60) * 1000).toISOString().slice(0, 10);

/** An export exercising every kind of conversation, markup form and subtype the importer knows. */
function richExport(aliceEmail: string): ZipEntry[] {
  const users = [
    { id: 'UALICE', name: 'alice', profile: { email: aliceEmail, real_name: 'Alice A.' } },
    { id: 'UBOB', name: 'bob', profile: { email: 'bob.slack@example.test', display_name: 'Bob' } },
    { id: 'UZOE', name: 'zoe', profile: { email: 'zoe@example.test', real_name: 'Zoë Ångström 東京' } },
    { id: 'UGONE', name: 'gone', deleted: true, profile: { real_name: 'Former Person' } },
    { id: 'UBOT', name: 'deploybot', is_bot: true, profile: { real_name: 'Deploy', bot_id: 'BDEPLOY' } },
  ];
  const everyone = ['UALICE', 'UBOB', 'UZOE', 'UGONE'];
  const general = [
    {
      type: 'message',
      subtype: 'channel_join',
      user: 'UBOB',
      ts: ts(0),
      text: '<@UBOB> has joined the channel',
    },
    {
      type: 'message',
      user: 'UALICE',
      ts: ts(1),
      text: 'Hi <@UBOB> and <@UNKNOWN|stranger>, see <#CCAFE|café> &amp; <https://example.com/a?b=1|the docs> &lt;3',
      thread_ts: ts(1),
      reply_count: 2,
      reactions: [{ name: 'tada', users: ['UBOB', 'UZOE'], count: 2 }],
      edited: { user: 'UALICE', ts: ts(2) },
    },
    { type: 'message', user: 'UBOB', ts: ts(3), text: '<!here> deploy at noon <!channel>', thread_ts: ts(1) },
    { type: 'message', subtype: 'me_message', user: 'UZOE', ts: ts(4), text: 'waves' },
    {
      type: 'message',
      subtype: 'bot_message',
      bot_id: 'BHOOK',
      username: 'CI',
      icons: { image_48: 'https://example.com/ci.png' },
      ts: ts(5),
      text: 'build passed',
      // Outside the Block Kit subset: reported, the text kept.
      blocks: [{ type: 'carousel', cards: [] }],
    },
    { type: 'message', user: 'UGONE', ts: ts(6), text: 'words of a former colleague' },
    {
      type: 'message',
      subtype: 'file_share',
      user: 'UZOE',
      ts: ts(7),
      text: 'the plan',
      files: [
        { name: 'plan.pdf', filetype: 'pdf', size: 2048, permalink: 'https://slack.example/files/plan.pdf' },
      ],
    },
    {
      type: 'message',
      user: 'UBOT',
      bot_id: 'BDEPLOY',
      subtype: 'bot_message',
      ts: ts(8),
      text: 'deployed v2',
      // Slack's rich_text repeats the text and is left out; the section is kept, as are the attachments.
      blocks: [
        {
          type: 'rich_text',
          elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'x' }] }],
        },
        { type: 'section', text: { type: 'mrkdwn', text: '*deployed* v2' } },
      ],
      attachments: [
        { color: 'good', title: 'v2', text: 'all checks green', fallback: 'v2: all checks green' },
      ],
    },
  ];
  // The second reply is in the next day's file.
  const nextDay = 24 * 60;
  return [
    ['users.json', users],
    [
      'channels.json',
      [
        {
          id: 'CGENERAL',
          name: 'general',
          created: T0,
          creator: 'UALICE',
          members: everyone,
          topic: { value: 'Company-wide' },
          purpose: { value: 'All of us' },
        },
        {
          id: 'CCAFE',
          name: 'café',
          created: T0,
          creator: 'UZOE',
          members: ['UZOE', 'UBOB'],
          is_archived: true,
        },
      ],
    ],
    [
      'groups.json',
      [{ id: 'GSECRET', name: 'secret', created: T0, creator: 'UALICE', members: ['UALICE', 'UBOB'] }],
    ],
    ['dms.json', [{ id: 'DAB', created: T0, members: ['UALICE', 'UBOB'] }]],
    [
      'mpims.json',
      [{ id: 'GMP', name: 'mpdm-alice--bob--zoe-1', created: T0, members: ['UALICE', 'UBOB', 'UZOE'] }],
    ],
    ['integration_logs.json', [{ service_id: 'S1', service_type: 'Incoming WebHook', change_type: 'added' }]],
    [`general/${dayOf(0)}.json`, general],
    [
      `general/${dayOf(nextDay)}.json`,
      [{ type: 'message', user: 'UZOE', ts: ts(nextDay), text: 'late reply', thread_ts: ts(1) }],
    ],
    [`general/${dayOf(2 * nextDay)}.json`, '[{"type": "message", "user": '],
    [`café/${dayOf(0)}.json`, [{ type: 'message', user: 'UZOE', ts: ts(10), text: 'un café ?' }]],
    [`secret/${dayOf(0)}.json`, [{ type: 'message', user: 'UALICE', ts: ts(11), text: 'private plans' }]],
    [`DAB/${dayOf(0)}.json`, [{ type: 'message', user: 'UBOB', ts: ts(12), text: 'psst <@UALICE>' }]],
    [
      `mpdm-alice--bob--zoe-1/${dayOf(0)}.json`,
      [{ type: 'message', user: 'UZOE', ts: ts(13), text: 'group chat' }],
    ],
  ];
}

async function upload(
  user: TestUser,
  workspaceId: string,
  zip: Buffer,
  name = 'export.zip',
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('file', new Blob([zip], { type: 'application/zip' }), name);
  return user.api.post(`/api/v1/workspaces/${workspaceId}/imports`, form, headers);
}

async function finished(user: TestUser, workspaceId: string, importId: string): Promise<ImportView> {
  return eventually(
    async () => {
      const { body } = await user.api.get(`/api/v1/workspaces/${workspaceId}/imports/${importId}`);
      return ['done', 'failed'].includes((body as ImportView).status) ? (body as ImportView) : undefined;
    },
    'the import to finish',
    20_000,
  );
}

async function importInto(
  workspaceId: string,
  zip: Buffer,
  headers: Record<string, string> = {},
): Promise<ImportView> {
  const started = await upload(owner, workspaceId, zip, 'export.zip', headers);
  expect(started.status).toBe(202);
  return finished(owner, workspaceId, started.body.id as string);
}

async function channelsOf(user: TestUser, workspaceId: string) {
  const { body } = await user.api.get(`/api/v1/workspaces/${workspaceId}/channels?limit=200`);
  return body.items as { id: string; name: string | null; kind: string; topic: string; archived: boolean }[];
}

async function history(user: TestUser, channelId: string) {
  const { body } = await user.api.get(`/api/v1/channels/${channelId}/messages?limit=200`);
  return (body.items as any[]).reverse();
}

describe('Slack export import', () => {
  let workspaceId: string;
  let view: ImportView;
  let socket: RealtimeClient;
  let hook: WebhookReceiver;

  beforeAll(async () => {
    workspaceId = (await createWorkspace(owner)).id;
    hook = await WebhookReceiver.start();
    receivers.push(hook);
    const created = await owner.api.post(`/api/v1/workspaces/${workspaceId}/webhooks`, {
      url: hook.url,
      events: ['message.created', 'reaction.added', 'channel.created'],
    });
    expect(created.status).toBe(201);
    socket = await RealtimeClient.connect(server.url, { token: owner.token });
    view = await importInto(workspaceId, await zipOf(richExport(alice.email)));
  });
  afterAll(() => socket.close());

  it('imports people, conversations and messages, and reports what it skipped', () => {
    expect(view).toMatchObject({ status: 'done', error: null, dayFilesTotal: 7, dayFilesDone: 7 });
    expect(view.counts).toMatchObject({
      users: 3, // bob, zoe and the deleted person
      matchedUsers: 1,
      deactivatedUsers: 1,
      bots: 2, // deploybot from users.json, BHOOK from its post
      channels: 3,
      directMessages: 2,
      messages: 10,
      replies: 2,
      reactions: 2,
      files: 1,
      skippedMessages: 1,
    });
    const reasons = view.skipped.map((s) => `${s.item}: ${s.reason}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^general/${dayOf(2 * 24 * 60)}\\.json: malformed JSON`)),
        expect.stringMatching(/^message: channel_join: a notice/),
        'integration_logs.json: a log of app installs: nothing to import',
        'blocks: outside the Block Kit subset messages take: the text is kept',
      ]),
    );
  });

  it('tells the owner its progress on the socket', async () => {
    const done = await socket.next(
      (frame) => frame.type === 'import.progress' && frame.data?.status === 'done',
    );
    expect(done.data).toMatchObject({ id: view.id, workspaceId, counts: { messages: 10 } });
  });

  it('converts markup, keeps order, threads, reactions, edits, files and bots', async () => {
    const channels = await channelsOf(owner, workspaceId);
    const general = channels.find((c) => c.name === 'general')!;
    const cafe = channels.find((c) => c.name === 'cafe')!;
    expect(general).toMatchObject({ kind: 'public', topic: 'Company-wide', archived: false });
    expect(cafe).toMatchObject({ archived: true });
    const { body: members } = await owner.api.get(`/api/v1/workspaces/${workspaceId}/members?limit=200`);
    const byName = new Map((members.items as any[]).map((m) => [m.displayName, m]));
    const bob = byName.get('Bob');
    expect(byName.get('Zoë Ångström 東京')).toBeDefined();
    expect(byName.has('Former Person')).toBe(false); // deactivated: not a member, still the author
    expect(byName.get('Deploy')).toMatchObject({ isBot: true });

    const messages = await history(owner, general.id);
    expect(messages.map((m) => m.text)).toEqual([
      `Hi <@${bob.userId}> and @stranger, see [#cafe](/w/${workspaceId}/c/${cafe.id}) & [the docs](https://example.com/a?b=1) <3`,
      '_waves_',
      'build passed',
      'words of a former colleague',
      'the plan\n📎 [plan.pdf](https://slack.example/files/plan.pdf) (pdf, 2 KB)',
      'deployed v2',
    ]);
    const [root, , bot, , , deployed] = messages;
    expect(bot.blocks).toBeNull();
    expect(deployed.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '*deployed* v2' } }]);
    expect(deployed.attachments).toEqual([
      { color: 'good', title: 'v2', text: 'all checks green', fallback: 'v2: all checks green' },
    ]);
    expect(root).toMatchObject({
      userId: alice.id,
      replyCount: 2,
      createdAt: new Date(T0 * 1000 + 60_000).toISOString(),
      editedAt: new Date(T0 * 1000 + 120_000).toISOString(),
      mentions: [bob.userId],
    });
    expect(root.reactions).toEqual([{ emoji: 'tada', count: 2, userIds: [bob.userId, expect.any(String)] }]);
    expect(bot.botProfile).toEqual({ username: 'CI', iconUrl: 'https://example.com/ci.png' });
    const { body: replies } = await owner.api.get(`/api/v1/messages/${root.id}/replies`);
    expect((replies.items as any[]).map((m) => m.text)).toEqual([
      '@here deploy at noon @channel',
      'late reply',
    ]);
  });

  it('gives private channels, DMs and group DMs to their members only, and search finds imports', async () => {
    const seen = await channelsOf(alice, workspaceId);
    expect(seen.map((c) => c.name ?? c.kind).sort()).toEqual(['cafe', 'dm', 'dm', 'general', 'secret']);
    expect((await channelsOf(owner, workspaceId)).some((c) => c.name === 'secret')).toBe(false);
    const found = await alice.api.get(`/api/v1/workspaces/${workspaceId}/search?q=private%20plans`);
    expect((found.body.items as any[]).map((m) => m.text)).toEqual(['private plans']);
  });

  it('fires no integrations for imported history', async () => {
    const general = (await channelsOf(owner, workspaceId)).find((c) => c.name === 'general')!;
    await owner.api.post(`/api/v1/channels/${general.id}/join`);
    await postMessage(owner, general.id, 'live after the import');
    const [delivery] = await hook.waitFor(1);
    expect(delivery.payload.data).toMatchObject({ text: 'live after the import' });
    // The live message's delivery came; none was queued before it for the imported ones.
    expect(hook.received).toHaveLength(1);
  });

  it('lets a person claim their placeholder account by registering with its email', async () => {
    const { body: members } = await owner.api.get(`/api/v1/workspaces/${workspaceId}/members?limit=200`);
    const bob = (members.items as any[]).find((m) => m.displayName === 'Bob');
    const claimed = await new ApiClient(server.url).post('/api/v1/auth/register', {
      email: 'bob.slack@example.test',
      password: 'correct horse battery',
      displayName: 'Bob B.',
    });
    expect(claimed.status).toBe(201);
    expect(claimed.body.user).toMatchObject({ id: bob.userId, displayName: 'Bob B.' });
    const again = await new ApiClient(server.url).post('/api/v1/auth/register', {
      email: 'bob.slack@example.test',
      password: 'another horse battery',
      displayName: 'Mallory',
    });
    expect(again.status).toBe(409);
  });
});

describe('re-imports and undo', () => {
  it('imports nothing twice, adds only what a later export has, and undoes an import', async () => {
    const workspaceId = (await createWorkspace(owner)).id;
    const first = await importInto(workspaceId, await zipOf(syntheticExport({ messages: 400, perDay: 50 })));
    expect(first.counts).toMatchObject({ messages: 360, replies: 40, channels: 4, users: 20 });
    const again = await importInto(workspaceId, await zipOf(syntheticExport({ messages: 400, perDay: 50 })));
    expect(again.counts).toMatchObject({ messages: 0, replies: 0, channels: 0, users: 0, reactions: 0 });

    const c0 = (await channelsOf(owner, workspaceId)).find((c) => c.name === 'c0')!;
    const before = (await history(owner, c0.id)).length;
    // A later export holds the earlier messages and 100 more.
    const later = await importInto(workspaceId, await zipOf(syntheticExport({ messages: 500, perDay: 50 })));
    expect(later.counts.messages + later.counts.replies).toBe(100);
    const texts = (await history(owner, c0.id)).map((m) => m.text as string);
    expect(texts.length).toBeGreaterThan(before);
    expect(texts.filter((text, index) => texts.indexOf(text) !== index)).toEqual([]);

    const undo = await owner.api.delete(`/api/v1/workspaces/${workspaceId}/imports/${later.id}`);
    expect(undo.status).toBe(204);
    expect(await history(owner, c0.id)).toHaveLength(before);

    // Undoing the first import takes its channels, people and messages with it.
    expect((await owner.api.delete(`/api/v1/workspaces/${workspaceId}/imports/${first.id}`)).status).toBe(
      204,
    );
    expect((await channelsOf(owner, workspaceId)).map((c) => c.name)).toEqual([]);
    const { body: members } = await owner.api.get(`/api/v1/workspaces/${workspaceId}/members`);
    expect((members.items as any[]).map((m) => m.userId)).toEqual([owner.id]);
    const { body: imports } = await owner.api.get(`/api/v1/workspaces/${workspaceId}/imports`);
    expect((imports.items as any[]).map((i) => i.id)).toEqual([again.id]);
  });
});

describe('reply counts', () => {
  it('counts the replies of threads split across batches', async () => {
    const small = await startTestServer({ importBatchMessages: 7 });
    try {
      const person = await registerUser(small.url, 'Threads');
      const workspaceId = (await createWorkspace(person)).id;
      const started = await upload(
        person,
        workspaceId,
        await zipOf(syntheticExport({ messages: 200, perDay: 50 })),
      );
      expect(started.status).toBe(202);
      const view = await finished(person, workspaceId, started.body.id as string);
      expect(view.counts).toMatchObject({ messages: 180, replies: 20 });
      const db = new Client({ connectionString: small.databaseUrl });
      await db.connect();
      const { rows } = await db.query<{ replies: number; wrong: number }>(
        `SELECT sum(reply_count)::int AS replies,
           count(*) FILTER (WHERE reply_count <> (SELECT count(*) FROM messages r WHERE r.thread_id = m.id))::int
             AS wrong
         FROM messages m WHERE workspace_id = $1`,
        [workspaceId],
      );
      await db.end();
      expect(rows[0]).toEqual({ replies: 20, wrong: 0 });
    } finally {
      await small.close();
    }
  });

  it('does not count a reply imported before its root, which stays a message of its own', async () => {
    const workspaceId = (await createWorkspace(owner)).id;
    const people = [{ id: 'UTHREAD', name: 'threader', profile: { email: 'threader@example.test' } }];
    const channels = [
      { id: 'CTHREAD', name: 'threads', created: T0, creator: 'UTHREAD', members: ['UTHREAD'] },
    ];
    const root = { type: 'message', user: 'UTHREAD', ts: ts(1), text: 'root' };
    const reply = { type: 'message', user: 'UTHREAD', ts: ts(2), thread_ts: ts(1), text: 'reply' };
    const exportOf = (messages: object[]): Promise<Buffer> =>
      zipOf([
        ['users.json', people],
        ['channels.json', channels],
        [`threads/${dayOf(1)}.json`, messages],
      ]);
    expect((await importInto(workspaceId, await exportOf([reply]))).status).toBe('done');
    expect((await importInto(workspaceId, await exportOf([root, reply]))).counts).toMatchObject({
      messages: 1,
      replies: 0,
    });
    const threads = (await channelsOf(owner, workspaceId)).find((c) => c.name === 'threads')!;
    expect((await history(owner, threads.id)).map((m) => [m.text, m.replyCount])).toEqual([
      ['root', 0],
      ['reply', 0],
    ]);
  });
});

describe('files shared in an export, with a download token', () => {
  const TOKEN = 'xoxe-export-download-token';
  const picture = randomBytes(20_000);
  const requests: { path: string; authorization?: string }[] = [];
  let fileServer: Server;
  let base: string;

  beforeAll(async () => {
    // Slack's file host, as far as the import can tell: the bytes for the right token only.
    fileServer = createServer((request, response) => {
      const path = request.url ?? '/';
      requests.push({ path, authorization: request.headers.authorization });
      if (request.headers.authorization !== `Bearer ${TOKEN}`) response.writeHead(403).end();
      else if (path === '/files/FPIC/pic.png')
        response.writeHead(200, { 'content-type': 'image/png' }).end(picture);
      else if (path === '/files/FBIG/big.bin')
        response.writeHead(200).end(randomBytes(UPLOAD_LIMIT_BYTES + 1));
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => fileServer.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(fileServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    fileServer.closeAllConnections();
    await new Promise((resolve) => fileServer.close(resolve));
  });

  const fileExport = (): ZipEntry[] => {
    const port = new URL(base).port;
    const file = (id: string, name: string, url: string) => ({
      id,
      name,
      mimetype: 'application/octet-stream',
      size: 1,
      // The download URL is the one fetched; the other is where Slack shows the file.
      url_private: `https://slack.example/files/${id}`,
      url_private_download: url,
    });
    return [
      ['users.json', [{ id: 'UZOE', name: 'zoe', profile: { email: 'zoe.files@example.test' } }]],
      ['channels.json', [{ id: 'CFILES', name: 'files', created: T0, members: ['UZOE'] }]],
      [
        `files/${dayOf(0)}.json`,
        [
          {
            type: 'message',
            subtype: 'file_share',
            user: 'UZOE',
            ts: ts(1),
            text: 'our files',
            files: [
              file('FPIC', 'pic.png', `${base}/files/FPIC/pic.png`),
              file('FGONE', 'gone.txt', `${base}/files/FGONE/gone.txt`),
              file('FBIG', 'big.bin', `${base}/files/FBIG/big.bin`),
              // Not a host of IMPORT_FILE_HOSTS: the token is never sent there.
              file('FELSE', 'else.txt', `http://localhost:${port}/files/FELSE/else.txt`),
            ],
          },
        ],
      ],
    ];
  };

  it('stores them byte for byte, reports each that failed, imports them once and undoes them', async () => {
    const workspaceId = (await createWorkspace(owner)).id;
    const zip = await zipOf(fileExport());
    const view = await importInto(workspaceId, zip, { 'x-import-token': TOKEN });
    expect(view).toMatchObject({ status: 'done', counts: { messages: 1, files: 4, filesStored: 1 } });
    const fileReasons = view.skipped.filter((s) => s.item === 'file');
    expect(fileReasons).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          reason: 'download failed: the server answered 404',
          examples: ['gone.txt (FGONE)'],
        }),
        expect.objectContaining({
          reason: `download failed: response larger than ${UPLOAD_LIMIT_BYTES} bytes`,
          examples: ['big.bin (FBIG)'],
        }),
        expect.objectContaining({
          reason: 'download failed: localhost is not an allowed host',
          examples: ['else.txt (FELSE)'],
        }),
      ]),
    );
    expect(fileReasons).toHaveLength(3);
    expect(requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(requests.some((r) => r.path.startsWith('/files/FELSE'))).toBe(false);

    const channel = (await channelsOf(owner, workspaceId)).find((c) => c.name === 'files')!;
    await owner.api.post(`/api/v1/channels/${channel.id}/join`);
    const [message] = await history(owner, channel.id);
    expect(message.files).toEqual([
      expect.objectContaining({ name: 'pic.png', size: picture.length, contentType: 'image/png' }),
    ]);
    const download = await fetch(`${server.url}/api/v1/files/${message.files[0].id}/content`, {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(picture)).toBe(true);

    // Imported again: the stored file is neither downloaded nor stored twice.
    const picRequests = () => requests.filter((r) => r.path.startsWith('/files/FPIC')).length;
    const before = picRequests();
    const again = await importInto(workspaceId, zip, { 'x-import-token': TOKEN });
    expect(again.counts).toMatchObject({ messages: 0, filesStored: 0 });
    expect(picRequests()).toBe(before);
    expect((await history(owner, channel.id))[0].files).toHaveLength(1);

    expect((await owner.api.delete(`/api/v1/workspaces/${workspaceId}/imports/${again.id}`)).status).toBe(
      204,
    );
    expect((await owner.api.delete(`/api/v1/workspaces/${workspaceId}/imports/${view.id}`)).status).toBe(204);
    const gone = await owner.api.get(`/api/v1/files/${message.files[0].id}`);
    expect(gone.status).toBe(404);
  });

  it('downloads nothing without a token, and refuses a token that is not one', async () => {
    const workspaceId = (await createWorkspace(owner)).id;
    const before = requests.length;
    const view = await importInto(workspaceId, await zipOf(fileExport()));
    expect(view.counts).toMatchObject({ files: 4, filesStored: 0 });
    expect(requests).toHaveLength(before);
    const refused = await upload(owner, workspaceId, await zipOf(fileExport()), 'export.zip', {
      'x-import-token': 'two words',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'headers/x-import-token' })]);
  });
});

describe('refused uploads', () => {
  let workspaceId: string;
  beforeAll(async () => {
    workspaceId = (await createWorkspace(owner)).id;
  });

  const refusals: [string, () => Promise<Buffer>, number, RegExp][] = [
    ['not a zip', () => Promise.resolve(Buffer.from('just some text, not a zip')), 400, /not a zip archive/],
    ['a zip without users.json', () => zipOf([['channels.json', []]]), 400, /has no users\.json/],
    ['a zip-slip entry', zipSlip, 400, /outside its folder/],
    [
      'a zip bomb',
      () =>
        zipOf([
          ['users.json', []],
          ['bomb.json', Buffer.alloc(64 * 1024 * 1024)],
        ]),
      400,
      /expands more than 100 times/,
    ],
  ];
  it.each(refusals)(
    'refuses %s with a problem naming the file, and keeps nothing',
    async (_what, make, status, message) => {
      const response = await upload(owner, workspaceId, await make());
      expect(response.status).toBe(status);
      expect(response.body).toMatchObject({
        status,
        errors: [{ path: 'file', message: expect.stringMatching(message) }],
      });
      const { body } = await owner.api.get(`/api/v1/workspaces/${workspaceId}/imports`);
      expect(body.items).toEqual([]);
      const kept = await readdir(path.join(server.dataDir, 'imports')).catch(() => []);
      expect(kept).toEqual([]);
    },
  );

  it('refuses an upload over IMPORT_MAX_BYTES with 413', async () => {
    const response = await upload(owner, workspaceId, Buffer.alloc(IMPORT_MAX_BYTES + 100 * 1024, 1));
    expect(response.status).toBe(413);
    expect((await readdir(path.join(server.dataDir, 'imports')).catch(() => [])).length).toBe(0);
  });

  it('lets only owners import', async () => {
    const member = await registerUser(server.url, 'Member');
    const invite = await owner.api.post(`/api/v1/workspaces/${workspaceId}/invites`, { role: 'admin' });
    await member.api.post(`/api/v1/invites/${invite.body.code}/accept`);
    const response = await upload(member, workspaceId, await zipOf(syntheticExport({ messages: 10 })));
    expect(response.status).toBe(403);
    expect((await member.api.get(`/api/v1/workspaces/${workspaceId}/imports`)).status).toBe(403);
  });
});

describe('a restart', () => {
  it('resumes a running import where it stopped, importing each message once', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'jokkaer-import-'));
    const settings = { importBatchMessages: 20, dataDir };
    const first = await startTestServer(settings);
    let second: TestServer | undefined;
    try {
      const person = await registerUser(first.url, 'Restarter');
      const workspaceId = (await createWorkspace(person)).id;
      const started = await upload(
        person,
        workspaceId,
        await zipOf(syntheticExport({ messages: 4000, perDay: 20 })),
      );
      expect(started.status).toBe(202);
      await eventually(async () => {
        const { body } = await person.api.get(`/api/v1/workspaces/${workspaceId}/imports/${started.body.id}`);
        return (body as ImportView).dayFilesDone > 0 ? true : undefined;
      }, 'the import to be under way');
      await first.app.close(); // a graceful stop hands the lease back at the next day file
      const db = new Client({ connectionString: first.databaseUrl });
      await db.connect();
      const { rows } = await db.query<{ status: string; done: number; total: number }>(
        `SELECT status, (progress->>'dayFilesDone')::int AS done, (progress->>'dayFilesTotal')::int AS total
         FROM imports WHERE id = $1`,
        [started.body.id],
      );
      await db.end();
      expect(rows[0].status).toBe('running');
      expect(rows[0].done).toBeLessThan(rows[0].total);

      second = await startTestServer({ ...settings, databaseUrl: first.databaseUrl });
      const resumed = new ApiClient(second.url, person.token);
      const view = await eventually(
        async () => {
          const { body } = await resumed.get(`/api/v1/workspaces/${workspaceId}/imports/${started.body.id}`);
          return (body as ImportView).status === 'done' ? (body as ImportView) : undefined;
        },
        'the resumed import to finish',
        60_000,
      );
      expect(view.counts.messages + view.counts.replies).toBe(4000);
      expect(view.dayFilesDone).toBe(rows[0].total);
    } finally {
      await second?.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
