import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { RealtimeClient } from '../fixtures/realtime-client';
import { SlackArchive } from '../core/src/imports/slack-archive';
import { channelSlackId, slackId } from '../core/src/slack/slack-ids';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

let server: TestServer;
let owner: TestUser;
let alice: TestUser;
let bob: TestUser;
let scratch: string;

beforeAll(async () => {
  server = await startTestServer();
  owner = await registerUser(server.url, 'Owner');
  alice = await registerUser(server.url, 'Alice');
  bob = await registerUser(server.url, 'Bob');
  scratch = await mkdtemp(path.join(tmpdir(), 'jokkaer-export-test-'));
});
afterAll(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

interface ExportView {
  id: string;
  status: string;
  includePrivate: boolean;
  conversationsTotal: number;
  conversationsDone: number;
  counts: Record<string, number>;
  archiveBytes: number | null;
  downloadUrl: string | null;
  error: string | null;
  expiresAt: string | null;
}

const LIMITS = { maxUncompressedBytes: 1024 ** 3, maxRatio: 1000 };

async function exported(user: TestUser, workspaceId: string, exportId: string, api = user.api) {
  return eventually(
    async () => {
      const { body } = await api.get(`/api/v1/workspaces/${workspaceId}/exports/${exportId}`);
      return ['done', 'failed'].includes((body as ExportView).status) ? (body as ExportView) : undefined;
    },
    'the export to finish',
    30_000,
  );
}

/** Downloads the export's zip to a file of its own and opens it. */
async function download(
  at: TestServer,
  user: TestUser,
  view: ExportView,
): Promise<{ archive: SlackArchive; zip: Buffer }> {
  const response = await fetch(at.url + view.downloadUrl!, {
    headers: { authorization: `Bearer ${user.token}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/zip');
  expect(response.headers.get('content-disposition')).toMatch(
    /^attachment; filename="jokkaer-export-.*\.zip"$/,
  );
  const zip = Buffer.from(await response.arrayBuffer());
  expect(zip.length).toBe(view.archiveBytes);
  const file = path.join(scratch, `${view.id}.zip`);
  await writeFile(file, zip);
  return { archive: await SlackArchive.open(file, LIMITS), zip };
}

async function importInto(workspaceId: string, zip: Buffer) {
  const form = new FormData();
  form.append('file', new Blob([zip], { type: 'application/zip' }), 'export.zip');
  const started = await owner.api.post(`/api/v1/workspaces/${workspaceId}/imports`, form);
  expect(started.status).toBe(202);
  return eventually(
    async () => {
      const { body } = await owner.api.get(`/api/v1/workspaces/${workspaceId}/imports/${started.body.id}`);
      return ['done', 'failed'].includes(body.status) ? body : undefined;
    },
    'the import to finish',
    30_000,
  );
}

async function history(user: TestUser, channelId: string) {
  const { body } = await user.api.get(`/api/v1/channels/${channelId}/messages?limit=200`);
  return (body.items as any[]).reverse();
}

async function channelMembers(channelId: string): Promise<string[]> {
  const db = new Client({ connectionString: server.databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ user_id: string }>(
      'SELECT user_id FROM channel_members WHERE channel_id = $1 ORDER BY user_id',
      [channelId],
    );
    return rows.map((row) => row.user_id);
  } finally {
    await db.end();
  }
}

const NOTES = Buffer.from('line one\nline two: ünïcödé\n');

describe('a workspace exported and imported again', () => {
  let workspaceId: string;
  let channel: { id: string; name: string };
  let view: ExportView;
  let archive: SlackArchive;
  let zip: Buffer;
  let original: any[];
  let originalReplies: any[];
  let progress: ExportView[];

  beforeAll(async () => {
    workspaceId = (await createWorkspace(owner)).id;
    await addToWorkspace(owner, workspaceId, alice);
    await addToWorkspace(owner, workspaceId, bob);
    channel = await createChannel(owner, workspaceId, 'public', 'round-trip');
    await owner.api.patch(`/api/v1/channels/${channel.id}`, { topic: 'Going there and back' });
    await alice.api.post(`/api/v1/channels/${channel.id}/join`);
    await bob.api.post(`/api/v1/channels/${channel.id}/join`);
    const secret = await createChannel(owner, workspaceId, 'private', 'secret');
    await postMessage(owner, secret.id, 'private plans');
    const dm = await owner.api.post(`/api/v1/workspaces/${workspaceId}/dms`, { userIds: [alice.id] });
    await postMessage(owner, dm.body.id, 'a direct word');

    const root = await postMessage(alice, channel.id, `Hello <@${bob.id}> & welcome to <the team>`);
    await postMessage(bob, channel.id, 'thanks!', {
      threadId: root.id,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*thanks!*' } }],
      attachments: [{ color: 'good', text: 'glad to be here', fallback: 'glad to be here' }],
    });
    await postMessage(owner, channel.id, `me too, <@${alice.id}>`, {
      threadId: root.id,
      alsoSentToChannel: true,
    });
    for (const [user, emoji] of [
      [bob, 'tada'],
      [owner, 'tada'],
      [alice, 'eyes'],
    ] as const) {
      expect((await user.api.post(`/api/v1/messages/${root.id}/reactions`, { emoji })).status).toBe(204);
    }
    const form = new FormData();
    form.append('file', new Blob([NOTES], { type: 'text/plain' }), 'notes.txt');
    const uploaded = await owner.api.post(`/api/v1/workspaces/${workspaceId}/files`, form);
    await postMessage(owner, channel.id, 'the notes', { fileIds: [uploaded.body.id] });
    const typo = await postMessage(bob, channel.id, 'teh end');
    expect((await bob.api.patch(`/api/v1/messages/${typo.id}`, { text: 'the end' })).status).toBe(200);
    original = await history(owner, channel.id);
    originalReplies = (await owner.api.get(`/api/v1/messages/${root.id}/replies`)).body.items;

    const socket = await RealtimeClient.connect(server.url, { token: owner.token });
    try {
      const started = await owner.api.post(`/api/v1/workspaces/${workspaceId}/exports`);
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ status: 'queued', includePrivate: false, downloadUrl: null });
      view = await exported(owner, workspaceId, started.body.id);
      const done = await socket.next(
        (event) =>
          event.type === 'export.progress' && event.data.id === view.id && event.data.status === 'done',
      );
      progress = [done.data];
    } finally {
      socket.close();
    }
    ({ archive, zip } = await download(server, owner, view));
  });
  afterAll(() => archive?.close());

  it('reports counts, a download link and when the zip expires, also on the socket', () => {
    expect(view).toMatchObject({
      status: 'done',
      error: null,
      includePrivate: false,
      conversationsTotal: 1,
      conversationsDone: 1,
      counts: { users: 3, channels: 1, directMessages: 0, messages: 3, replies: 2, reactions: 3, files: 1 },
      downloadUrl: `/api/v1/workspaces/${workspaceId}/exports/${view.id}/download`,
    });
    const retention = Date.parse(view.expiresAt!) - Date.parse((view as any).finishedAt);
    expect(retention).toBe(24 * 3600 * 1000);
    expect(progress[0]).toEqual(view);
  });

  it('writes users and conversation lists with Slack ids; no private channel or DM by default', async () => {
    const users = (await archive.readJson('users.json')) as any[];
    expect(users.map((user) => user.id).sort()).toEqual(
      [owner, alice, bob].map((user) => slackId('U', user.id)).sort(),
    );
    expect(users.find((user) => user.id === slackId('U', alice.id))).toMatchObject({
      real_name: 'Alice',
      deleted: false,
      is_bot: false,
      profile: { email: alice.email, display_name: 'Alice' },
    });
    const channels = (await archive.readJson('channels.json')) as any[];
    expect(channels).toEqual([
      expect.objectContaining({
        id: channelSlackId({ id: channel.id, kind: 'public' }),
        name: 'round-trip',
        creator: slackId('U', owner.id),
        is_archived: false,
        topic: expect.objectContaining({ value: 'Going there and back' }),
        members: expect.arrayContaining([owner, alice, bob].map((user) => slackId('U', user.id))),
      }),
    ]);
    for (const list of ['groups.json', 'dms.json', 'mpims.json'])
      expect(await archive.readJson(list)).toEqual([]);
    expect(archive.dayFiles().map((day) => day.folder)).toEqual(['round-trip']);
  });

  it('writes messages with ts, threads, reactions, mentions, edits and files in the zip', async () => {
    const [day] = archive.dayFiles();
    expect(day.date).toBe(original[0].createdAt.slice(0, 10));
    const messages = (await archive.readJson(day.name)) as any[];
    // The reply also sent to the channel is in both lists, and once in the zip.
    expect(messages.map((message) => message.ts)).toEqual(
      [...new Set([...original, ...originalReplies].map((message) => message.ts as string))].sort(),
    );
    const root = messages[0];
    expect(root).toMatchObject({
      type: 'message',
      user: slackId('U', alice.id),
      text: `Hello <@${slackId('U', bob.id)}> &amp; welcome to &lt;the team&gt;`,
      thread_ts: root.ts,
      reply_count: 2,
      reactions: [
        { name: 'tada', users: [slackId('U', bob.id), slackId('U', owner.id)], count: 2 },
        { name: 'eyes', users: [slackId('U', alice.id)], count: 1 },
      ],
    });
    expect(messages[1]).toMatchObject({ text: 'thanks!', thread_ts: root.ts, user: slackId('U', bob.id) });
    expect(messages[2]).toMatchObject({
      subtype: 'thread_broadcast',
      text: `me too, <@${slackId('U', alice.id)}>`,
      thread_ts: root.ts,
    });
    const shared = messages.find((message) => message.files);
    expect(shared).toMatchObject({ subtype: 'file_share', text: 'the notes' });
    expect(shared.files).toEqual([
      expect.objectContaining({
        name: 'notes.txt',
        mimetype: 'text/plain',
        filetype: 'txt',
        size: NOTES.length,
      }),
    ]);
    expect(shared.files[0].url_private).toMatch(/^files\/F[0-9A-V]{26}\/notes\.txt$/);
    expect(await archive.read(shared.files[0].url_private)).toEqual(NOTES);
    const edited = messages.at(-1);
    expect(edited).toMatchObject({ text: 'the end', edited: { user: slackId('U', bob.id) } });
    expect(Number(edited.edited.ts)).toBeGreaterThanOrEqual(Number(edited.ts));
  });

  it('imports back into a fresh workspace as the same channel, people, messages, threads, reactions and files', async () => {
    const fresh = (await createWorkspace(owner)).id;
    const report = await importInto(fresh, zip);
    expect(report).toMatchObject({ status: 'done', error: null, skipped: [] });
    expect(report.counts).toMatchObject({
      matchedUsers: 3,
      users: 0,
      channels: 1,
      messages: 3,
      replies: 2,
      reactions: 3,
      mentions: 2,
      files: 1,
      filesStored: 1,
    });
    const { body: channels } = await owner.api.get(`/api/v1/workspaces/${fresh}/channels`);
    const copy = (channels.items as any[]).find((c) => c.name === 'round-trip');
    expect(copy).toMatchObject({ kind: 'public', topic: 'Going there and back', archived: false });
    expect(await channelMembers(copy.id)).toEqual(await channelMembers(channel.id));

    const imported = await history(owner, copy.id);
    const shape = (message: any) => ({
      userId: message.userId,
      text: message.text,
      ts: message.ts,
      replyCount: message.replyCount,
      reactions: message.reactions,
      mentions: message.mentions,
      edited: message.editedAt !== null,
      alsoSentToChannel: message.alsoSentToChannel ?? false,
      blocks: message.blocks,
      attachments: message.attachments,
    });
    const withoutFile = (messages: any[]) =>
      messages.filter((message) => !message.text.startsWith('the notes'));
    expect(withoutFile(imported).map(shape)).toEqual(withoutFile(original).map(shape));
    // The file comes back attached, its bytes from the zip (no token: nothing is downloaded), and as a line
    // naming it without a link (the zip entry is no place to link to).
    const file = imported.find((message) => message.text.startsWith('the notes\n'));
    expect(file.text).toBe('the notes\n📎 notes.txt (txt, 31 B)');
    expect(file.files).toEqual([
      expect.objectContaining({ name: 'notes.txt', contentType: 'text/plain', size: NOTES.length }),
    ]);
    const content = await fetch(`${server.url}/api/v1/files/${file.files[0].id}/content`, {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect(content.status).toBe(200);
    expect(Buffer.from(await content.arrayBuffer()).equals(NOTES)).toBe(true);
    // Imported again: nothing twice, the file neither.
    const again = await importInto(fresh, zip);
    expect(again.counts).toMatchObject({ messages: 0, replies: 0, filesStored: 0 });
    const { body: reread } = await owner.api.get(`/api/v1/messages/${file.id}`);
    expect(reread.files.map((f: { id: string }) => f.id)).toEqual([file.files[0].id]);

    const { body: replies } = await owner.api.get(`/api/v1/messages/${imported[0].id}/replies`);
    expect((replies.items as any[]).map(shape)).toEqual(originalReplies.map(shape));
  });
});

describe('exports', () => {
  it('are for owners only', async () => {
    const workspaceId = (await createWorkspace(owner)).id;
    await addToWorkspace(owner, workspaceId, alice, 'admin');
    expect((await alice.api.post(`/api/v1/workspaces/${workspaceId}/exports`)).status).toBe(403);
    expect((await alice.api.get(`/api/v1/workspaces/${workspaceId}/exports`)).status).toBe(403);
    const started = await owner.api.post(`/api/v1/workspaces/${workspaceId}/exports`);
    const view = await exported(owner, workspaceId, started.body.id);
    expect(
      (await alice.api.get(`/api/v1/workspaces/${workspaceId}/exports/${view.id}/download`)).status,
    ).toBe(403);
    // Not a member: the workspace is not there for them.
    expect((await bob.api.get(`/api/v1/workspaces/${workspaceId}/exports/${view.id}`)).status).toBe(404);
  });

  it('are listed, and removed with their zip by DELETE', async () => {
    const workspaceId = (await createWorkspace(owner)).id;
    const started = await owner.api.post(`/api/v1/workspaces/${workspaceId}/exports`);
    await exported(owner, workspaceId, started.body.id);
    const { body: list } = await owner.api.get(`/api/v1/workspaces/${workspaceId}/exports`);
    expect((list.items as ExportView[]).map((item) => item.id)).toEqual([started.body.id]);
    expect(await readdir(path.join(server.dataDir, 'exports'))).toContain(`${started.body.id}.zip`);
    expect(
      (await owner.api.delete(`/api/v1/workspaces/${workspaceId}/exports/${started.body.id}`)).status,
    ).toBe(204);
    expect((await owner.api.get(`/api/v1/workspaces/${workspaceId}/exports/${started.body.id}`)).status).toBe(
      404,
    );
    expect(await readdir(path.join(server.dataDir, 'exports'))).not.toContain(`${started.body.id}.zip`);
  });

  it('expire after EXPORT_RETENTION_HOURS: the job and its zip go', async () => {
    const workspaceId = (await createWorkspace(owner)).id;
    const started = await owner.api.post(`/api/v1/workspaces/${workspaceId}/exports`);
    await exported(owner, workspaceId, started.body.id);
    const db = new Client({ connectionString: server.databaseUrl });
    await db.connect();
    await db.query(`UPDATE exports SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      started.body.id,
    ]);
    await db.end();
    await eventually(async () => {
      const { status } = await owner.api.get(`/api/v1/workspaces/${workspaceId}/exports/${started.body.id}`);
      const zips = await readdir(path.join(server.dataDir, 'exports'));
      return status === 404 && !zips.includes(`${started.body.id}.zip`) ? true : undefined;
    }, 'the expired export and its zip to be removed');
  });

  it('answers 409 for the download of an export not done, and 404 for one of another workspace', async () => {
    const workspaceId = (await createWorkspace(owner)).id;
    const other = (await createWorkspace(owner)).id;
    const started = await owner.api.post(`/api/v1/workspaces/${workspaceId}/exports`);
    const done = await exported(owner, workspaceId, started.body.id);
    expect((await owner.api.get(`/api/v1/workspaces/${other}/exports/${done.id}/download`)).status).toBe(404);
    const db = new Client({ connectionString: server.databaseUrl });
    await db.connect();
    await db.query(`UPDATE exports SET status = 'failed' WHERE id = $1`, [done.id]);
    await db.end();
    const refused = await owner.api.get(`/api/v1/workspaces/${workspaceId}/exports/${done.id}/download`);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('EXPORT_PRIVATE and an instance that died', () => {
  let other: TestServer;
  let boss: TestUser;
  let friend: TestUser;

  beforeAll(async () => {
    other = await startTestServer({ exportPrivate: true });
    boss = await registerUser(other.url, 'Boss');
    friend = await registerUser(other.url, 'Friend');
  });
  afterAll(() => other.close());

  it('exports private channels and DMs when on', async () => {
    const workspaceId = (await createWorkspace(boss)).id;
    await addToWorkspace(boss, workspaceId, friend);
    const secret = await createChannel(boss, workspaceId, 'private', 'hidden');
    await postMessage(boss, secret.id, 'only us');
    const dm = await boss.api.post(`/api/v1/workspaces/${workspaceId}/dms`, { userIds: [friend.id] });
    await postMessage(friend, dm.body.id, 'hello you');
    const started = await boss.api.post(`/api/v1/workspaces/${workspaceId}/exports`);
    expect(started.body.includePrivate).toBe(true);
    const view = await exported(boss, workspaceId, started.body.id);
    expect(view).toMatchObject({
      status: 'done',
      conversationsTotal: 2,
      counts: expect.objectContaining({ channels: 1, directMessages: 1, messages: 2 }),
    });
    const { archive } = await download(other, boss, view);
    try {
      expect(await archive.readJson('groups.json')).toEqual([
        expect.objectContaining({ id: channelSlackId(secret), name: 'hidden' }),
      ]);
      expect(await archive.readJson('dms.json')).toEqual([
        expect.objectContaining({
          id: channelSlackId(dm.body),
          members: expect.arrayContaining([slackId('U', friend.id), slackId('U', boss.id)]),
        }),
      ]);
      const days = archive.dayFiles();
      expect(days.map((day) => day.folder).sort()).toEqual([channelSlackId(dm.body), 'hidden'].sort());
    } finally {
      archive.close();
    }
  });

  it('writes anew the export of an instance that died, replacing its half-written zip', async () => {
    const workspaceId = (await createWorkspace(boss)).id;
    const channel = await createChannel(boss, workspaceId, 'public', 'survivor');
    await postMessage(boss, channel.id, 'still here');
    const id = '0190f1a4-0000-7000-8000-00000000e4b0';
    await mkdir(path.join(other.dataDir, 'exports'), { recursive: true });
    await writeFile(path.join(other.dataDir, 'exports', `${id}.zip.partial`), 'half a zip');
    const db = new Client({ connectionString: other.databaseUrl });
    await db.connect();
    await db.query(
      `INSERT INTO exports (id, workspace_id, created_by, status, include_private, progress, lease_owner,
         lease_expires_at, created_at)
       VALUES ($1, $2, $3, 'running', false, $4, 'gone', now() - interval '1 second', now())`,
      [id, workspaceId, boss.id, JSON.stringify({ conversationsTotal: 9, conversationsDone: 4, counts: {} })],
    );
    await db.end();
    const view = await exported(boss, workspaceId, id);
    expect(view).toMatchObject({ status: 'done', conversationsTotal: 1, conversationsDone: 1 });
    expect(view.counts).toMatchObject({ channels: 1, messages: 1 });
    const { archive } = await download(other, boss, view);
    try {
      expect(await archive.readJson('survivor/' + archive.dayFiles()[0].date + '.json')).toEqual([
        expect.objectContaining({ text: 'still here', user: slackId('U', boss.id) }),
      ]);
    } finally {
      archive.close();
    }
    const zips = await readdir(path.join(other.dataDir, 'exports'));
    expect(zips).toContain(`${id}.zip`);
    expect(zips).not.toContain(`${id}.zip.partial`);
  });
});
