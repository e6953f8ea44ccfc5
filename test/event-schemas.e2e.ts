import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DomainEvents } from '../core/src/events/event-catalogue';
import type { ApiResponse } from '../fixtures/api-client';
import { addToWorkspace, createWorkspace, postMessage, registerUser, TestUser } from '../fixtures/factories';
import { syntheticExport, zipOf } from '../fixtures/slack-export';
import { WebhookReceiver } from '../fixtures/webhook-receiver';
import {
  channelViewSchema,
  EventName,
  EventPayload,
  eventSchemas,
  fileViewSchema,
  JSON_SCHEMA_DRAFT_07,
  memberViewSchema,
  messageViewSchema,
} from '../sdk-plugin/src/events';
import { createAjv } from './support/ajv';
import { startTestServer, TestServer } from './support/server';
import { eventually } from './support/eventually';

/** The events core emits. */
const IMPLEMENTED: EventName[] = [
  'workspace.member_joined',
  'workspace.member_updated',
  'workspace.member_left',
  'channel.created',
  'channel.updated',
  'channel.archived',
  'channel.member_joined',
  'channel.member_left',
  'channel.read',
  'message.created',
  'message.updated',
  'message.deleted',
  'reaction.added',
  'reaction.removed',
  'file.uploaded',
  'webhook.disabled',
  'call.started',
  'call.participant_joined',
  'call.participant_left',
  'call.ended',
  'import.progress',
  'export.progress',
];

/** Rows the server writes to the same stream for itself; never delivered to clients, so not in the SDK. */
const INTERNAL = new Set(['token.revoked', 'webhooks.changed', 'plugin_installs.changed']);

// Compile time: every event core declares has an SDK schema whose payload type is exactly core's. On drift,
// tsc reports `"ok"` is not assignable to `Mismatched`, the names of the events that disagree.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Mismatched = {
  [N in keyof DomainEvents]: Same<EventPayload<N>, DomainEvents[N]> extends true ? never : N;
}[keyof DomainEvents];
type NoMismatch = [Mismatched] extends [never] ? 'ok' : Mismatched;

const ajv = createAjv();
const validators = new Map(
  Object.entries(eventSchemas).map(([name, schema]) => [name, ajv.compile<unknown>(schema)]),
);
/** `/files/0 must NOT have additional properties {"additionalProperty":"url"}`: says which field drifted. */
const explain = (errors: { instancePath: string; message?: string; params: object }[] | null | undefined) =>
  (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);

/** What is wrong with `data` by `schema`, explained; empty when it is valid. */
const validate = (schema: object, data: unknown) => {
  const check = ajv.compile<unknown>(schema);
  return check(data) ? [] : explain(check.errors);
};

function expectStatus<T = any>(response: ApiResponse<T>, status: number): T {
  if (response.status !== status) {
    throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

let server: TestServer;
let db: Client;

beforeAll(async () => {
  server = await startTestServer({ egressAllowNetworks: ['127.0.0.0/8'] });
  db = new Client({ connectionString: server.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db.end();
  await server.close();
});

describe('SDK event schemas', () => {
  it('compile under Ajv 8 strict mode, as closed draft-07 documents, for every event name', () => {
    const payloadTypes: NoMismatch = 'ok';
    expect(payloadTypes).toBe('ok');
    expect(Object.keys(eventSchemas).sort()).toEqual([...IMPLEMENTED].sort());
    for (const schema of Object.values(eventSchemas)) {
      expect(schema).toMatchObject({ $schema: JSON_SCHEMA_DRAFT_07, additionalProperties: false });
    }
    expect(validators.size).toBe(Object.keys(eventSchemas).length);
  });

  it('accept every event a real flow appends to the outbox, and the REST answers it mirrors', async () => {
    const api = (path: string) => `/api/v1${path}`;
    const [alice, bob, carol, gus]: TestUser[] = await Promise.all(
      ['Alice', 'Bob', 'Carol', 'Gus'].map((name) => registerUser(server.url, name)),
    );
    const rest: { what: string; schema: object; body: unknown }[] = [];

    // Workspace: an owner, two members and a guest.
    const workspace = await createWorkspace(alice);
    const ws = workspace.id;
    await addToWorkspace(alice, ws, bob);
    await addToWorkspace(alice, ws, carol);
    await addToWorkspace(alice, ws, gus, 'guest');

    // Channels and membership: joining oneself, being added by someone else.
    const general = expectStatus(
      await alice.api.post(api(`/workspaces/${ws}/channels`), { name: 'general', kind: 'public' }),
      201,
    );
    const secret = expectStatus(
      await alice.api.post(api(`/workspaces/${ws}/channels`), {
        name: 'secret',
        kind: 'private',
        topic: 'shh',
      }),
      201,
    );
    rest.push({ what: 'POST channel', schema: channelViewSchema, body: general });
    expectStatus(await bob.api.post(api(`/channels/${general.id}/join`)), 200);
    expectStatus(await alice.api.post(api(`/channels/${general.id}/members`), { userId: carol.id }), 204);
    expectStatus(await alice.api.post(api(`/channels/${secret.id}/members`), { userId: carol.id }), 204);
    expectStatus(await alice.api.post(api(`/channels/${secret.id}/members`), { userId: gus.id }), 204);

    // A message with a file attached and a mention, then a thread under it.
    const form = new FormData();
    form.append('file', new Blob(['agenda'], { type: 'text/plain' }), 'agenda.txt');
    const file = expectStatus(await alice.api.post(api(`/workspaces/${ws}/files`), form), 201);
    rest.push({ what: 'POST file', schema: fileViewSchema, body: file });
    const root = expectStatus(
      await alice.api.post(api(`/channels/${general.id}/messages`), {
        text: `Agenda for <@${bob.id}>`,
        fileIds: [file.id],
        clientMsgId: 'agenda-1',
      }),
      201,
    );
    rest.push({ what: 'POST message', schema: messageViewSchema, body: root });
    const reply = await postMessage(bob, general.id, 'Thanks!', { threadId: root.id });
    await postMessage(carol, general.id, `Same, <@${alice.id}>`, { threadId: reply.id });

    // Reactions: two people on one emoji, a second emoji, one taken back.
    for (const [user, emoji] of [
      [bob, '👍'],
      [carol, '👍'],
      [alice, 'tada'],
    ] as const) {
      expectStatus(await user.api.post(api(`/messages/${root.id}/reactions`), { emoji }), 204);
    }
    expectStatus(
      await carol.api.delete(api(`/messages/${root.id}/reactions/${encodeURIComponent('👍')}`)),
      204,
    );

    // Read state: Bob reads up to the agenda, then marks it unread (no channel message read: a null marker).
    for (const markUnread of [false, true]) {
      expectStatus(
        await bob.api.post(api(`/channels/${general.id}/read`), { messageId: root.id, markUnread }),
        200,
      );
    }

    // An edit of a message that now has reactions, a file, mentions and replies.
    const edited = expectStatus(
      await alice.api.patch(api(`/messages/${root.id}`), {
        text: `Agenda for <@${bob.id}> and <@${carol.id}>`,
      }),
      200,
    );
    rest.push({ what: 'PATCH message', schema: messageViewSchema, body: edited });

    // Deletes: a thread reply by its author, a top-level message by a workspace admin.
    expectStatus(await bob.api.delete(api(`/messages/${reply.id}`)), 204);
    const stray = await postMessage(bob, general.id, 'oops');
    expectStatus(await alice.api.delete(api(`/messages/${stray.id}`)), 204);

    // Direct conversations: a DM and a group DM, a message in one, a topic on it.
    const dm = expectStatus(await alice.api.post(api(`/workspaces/${ws}/dms`), { userIds: [bob.id] }), 201);
    rest.push({ what: 'POST dm', schema: channelViewSchema, body: dm });
    expectStatus(await alice.api.post(api(`/workspaces/${ws}/dms`), { userIds: [bob.id, carol.id] }), 201);
    await postMessage(bob, dm.id, 'psst');
    expectStatus(await alice.api.patch(api(`/channels/${dm.id}`), { topic: 'just us' }), 200);

    // Channel changes: topic, rename, archive and unarchive.
    expectStatus(await bob.api.patch(api(`/channels/${general.id}`), { topic: 'Weekly' }), 200);
    expectStatus(await alice.api.patch(api(`/channels/${general.id}`), { name: 'general-2' }), 200);
    expectStatus(await alice.api.patch(api(`/channels/${secret.id}`), { archived: true }), 200);
    rest.push({
      what: 'GET archived channel',
      schema: channelViewSchema,
      body: expectStatus(await alice.api.get(api(`/channels/${secret.id}`)), 200),
    });
    expectStatus(await alice.api.patch(api(`/channels/${secret.id}`), { archived: false }), 200);

    // Leaving a channel, and being removed from one by someone else.
    expectStatus(await bob.api.post(api(`/channels/${general.id}/leave`)), 204);
    expectStatus(await alice.api.delete(api(`/channels/${general.id}/members/${carol.id}`)), 204);

    // Roles, a removal by an admin (carol is still in channels and DMs) and a guest leaving on their own.
    const promoted = expectStatus(
      await alice.api.patch(api(`/workspaces/${ws}/members/${bob.id}`), { role: 'admin' }),
      200,
    );
    rest.push({ what: 'PATCH member', schema: memberViewSchema, body: promoted });
    expectStatus(await alice.api.patch(api(`/workspaces/${ws}/members/${gus.id}`), { role: 'member' }), 200);
    expectStatus(await bob.api.delete(api(`/workspaces/${ws}/members/${carol.id}`)), 204);
    expectStatus(await gus.api.delete(api(`/workspaces/${ws}/members/${gus.id}`)), 204);
    const members = expectStatus(await alice.api.get(api(`/workspaces/${ws}/members`)), 200);
    for (const member of members.items)
      rest.push({ what: 'GET members', schema: memberViewSchema, body: member });

    // An incoming webhook posts with a bot profile; an outgoing webhook whose endpoint answers 410 is disabled.
    const gone = await WebhookReceiver.start();
    gone.respondAlways((_delivery, response) => response.writeHead(410).end());
    try {
      expectStatus(
        await alice.api.post(api(`/workspaces/${ws}/webhooks`), {
          url: gone.url,
          events: ['message.created'],
        }),
        201,
      );
      const incoming = expectStatus(
        await alice.api.post(api(`/channels/${general.id}/incoming-webhooks`), { name: 'CI' }),
        201,
      );
      const hookPath = new URL(incoming.url as string).pathname;
      expectStatus(
        await alice.api
          .as(undefined)
          .post(hookPath, { text: 'built', username: 'CI', icon_url: 'https://ci.example.test/i.png' }),
        200,
      );
      await eventually(
        async () =>
          (await db.query("SELECT 1 FROM events WHERE type = 'webhook.disabled'")).rowCount
            ? true
            : undefined,
        'the webhook to be disabled',
      );
    } finally {
      await gone.close();
    }

    // A call in the DM: started, joined, left by both, ended.
    const call = expectStatus(await alice.api.post(api(`/channels/${dm.id}/calls`)), 200);
    expectStatus(await bob.api.post(api(`/channels/${dm.id}/calls`)), 200);
    expectStatus(await alice.api.post(api(`/calls/${call.call.id}/leave`)), 204);
    expectStatus(await bob.api.post(api(`/calls/${call.call.id}/leave`)), 204);

    // A Slack export imported into another workspace of Alice's (its people join that one): its progress, its end.
    const importedInto = (await createWorkspace(alice)).id;
    const slackExport = new FormData();
    slackExport.append('file', new Blob([await zipOf(syntheticExport({ messages: 20 }))]), 'export.zip');
    const started = expectStatus(
      await alice.api.post(api(`/workspaces/${importedInto}/imports`), slackExport),
      202,
    );
    const finished = async (path: string) =>
      (await alice.api.get(api(path))).body.status === 'done' ? true : undefined;
    await eventually(
      () => finished(`/workspaces/${importedInto}/imports/${started.id}`),
      'the import',
      15_000,
    );

    // That workspace exported again in Slack's format: its progress, its end (with the download link).
    const exportStarted = expectStatus(await alice.api.post(api(`/workspaces/${importedInto}/exports`)), 202);
    await eventually(
      () => finished(`/workspaces/${importedInto}/exports/${exportStarted.id}`),
      'the export',
      15_000,
    );

    // Every row of the outbox validates against the SDK's schema for its type.
    const { rows } = await db.query<{ seq: string; type: string; data: Record<string, any> }>(
      'SELECT seq::text AS seq, type, data FROM events ORDER BY seq',
    );
    const events = rows.filter((row) => !INTERNAL.has(row.type));
    expect(events.length).toBeGreaterThan(40);
    const failures = events.flatMap(({ seq, type, data }) => {
      const check = validators.get(type);
      const problems = !check ? ['no schema in the SDK'] : check(data) ? [] : explain(check.errors);
      return problems.length > 0 ? [{ seq, type, problems, data }] : [];
    });
    expect(failures).toEqual([]);

    const seen = new Set(events.map((event) => event.type));
    expect(IMPLEMENTED.filter((name) => !seen.has(name))).toEqual([]);

    // The flow reached the optional and nullable branches, so they were validated for real.
    const of = (type: EventName) => events.filter((event) => event.type === type).map((event) => event.data);
    const created = of('message.created');
    expect(created.some((m) => m.threadId !== null)).toBe(true);
    expect(created.some((m) => m.files.length > 0 && m.mentions.length > 0 && m.clientMsgId !== null)).toBe(
      true,
    );
    expect(created.some((m) => m.botProfile?.username === 'CI')).toBe(true);
    expect(
      of('message.updated').some((m) => m.editedAt !== null && m.reactions.length === 2 && m.replyCount > 0),
    ).toBe(true);
    expect(of('message.deleted').map((m) => m.threadId !== null)).toEqual([true, false]);
    expect(of('channel.created').some((c) => c.kind === 'dm' && c.name === null && c.memberIds)).toBe(true);
    expect(of('channel.member_joined').some((m) => m.actorId)).toBe(true);
    expect(of('channel.member_left').some((m) => m.actorId)).toBe(true);
    expect(of('channel.read').map((r) => r.lastReadId)).toEqual([root.id, null]);
    // The last one is the incoming webhook's bot.
    expect(
      of('workspace.member_joined')
        .filter((m) => m.workspaceId === ws)
        .map((m) => m.role),
    ).toEqual(['owner', 'member', 'member', 'guest', 'member']);

    // REST answers carry the same resources.
    expect(
      rest.flatMap(({ what, schema, body }) => validate(schema, body).map((problem) => ({ what, problem }))),
    ).toEqual([]);
  });

  describe('catch drift', () => {
    const file: EventPayload<'file.uploaded'> = {
      id: randomUUID(),
      workspaceId: randomUUID(),
      uploaderId: randomUUID(),
      name: 'a.txt',
      size: 5,
      contentType: 'text/plain',
      createdAt: '2025-01-02T03:04:05.678Z',
    };
    const message: EventPayload<'message.created'> = {
      id: randomUUID(),
      workspaceId: file.workspaceId,
      channelId: randomUUID(),
      userId: file.uploaderId,
      text: 'hello',
      threadId: null,
      replyCount: 0,
      reactions: [{ emoji: 'tada', count: 1, userIds: [file.uploaderId] }],
      files: [file],
      mentions: [],
      clientMsgId: null,
      createdAt: file.createdAt,
      editedAt: null,
    };
    const errorsFor = (type: EventName, data: unknown) => {
      const check = validators.get(type)!;
      return check(data) ? [] : (check.errors ?? []);
    };

    it('accepts a well-formed payload', () => {
      expect(errorsFor('message.created', message)).toEqual([]);
      expect(errorsFor('file.uploaded', file)).toEqual([]);
    });

    it('rejects a payload missing a required field', () => {
      const withoutEditedAt: Record<string, unknown> = { ...message };
      delete withoutEditedAt.editedAt;
      expect(errorsFor('message.created', withoutEditedAt)).toEqual([
        expect.objectContaining({ keyword: 'required', params: { missingProperty: 'editedAt' } }),
      ]);
      const withoutEmoji = {
        workspaceId: randomUUID(),
        channelId: randomUUID(),
        messageId: randomUUID(),
        userId: randomUUID(),
      };
      expect(errorsFor('reaction.added', withoutEmoji)).toEqual([
        expect.objectContaining({ keyword: 'required', params: { missingProperty: 'emoji' } }),
      ]);
    });

    it('rejects an unknown field, also inside a nested resource', () => {
      expect(errorsFor('message.created', { ...message, pinned: true })).toEqual([
        expect.objectContaining({
          keyword: 'additionalProperties',
          params: { additionalProperty: 'pinned' },
        }),
      ]);
      expect(errorsFor('message.created', { ...message, files: [{ ...file, url: 'https://x' }] })).toEqual([
        expect.objectContaining({
          instancePath: '/files/0',
          keyword: 'additionalProperties',
          params: { additionalProperty: 'url' },
        }),
      ]);
    });

    it('rejects wrong types and formats', () => {
      expect(
        errorsFor('message.created', { ...message, threadId: 'not-a-uuid', createdAt: 'yesterday' }).map(
          (e) => `${e.instancePath} ${e.keyword}`,
        ),
      ).toEqual(['/threadId format', '/createdAt format']);
      expect(errorsFor('file.uploaded', { ...file, size: '5' }).map((e) => e.keyword)).toEqual(['type']);
    });
  });
});
