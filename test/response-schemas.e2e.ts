import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { FASTIFY_ROUTE_SCHEMA_METADATA } from '@nestjs/platform-fastify/constants';
import { AuthService } from '../core/src/auth/auth.service';
import { ChannelsService } from '../core/src/channels/channels.service';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

// Routes that declare their answer's schema (Returns) are serialized through it, and a field the schema does
// not name is dropped without a word: each must answer exactly what its service returns.

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let workspaceId: string;
let channelId: string;
let dmId: string;

beforeAll(async () => {
  server = await startTestServer();
  alice = await registerUser(server.url, 'Alice');
  bob = await registerUser(server.url, 'Bob');
  workspaceId = (await createWorkspace(alice)).id;
  await addToWorkspace(alice, workspaceId, bob);
  channelId = (await createChannel(alice, workspaceId)).id;
  await createChannel(alice, workspaceId, 'private');
  const dm = await alice.api.post(`/api/v1/workspaces/${workspaceId}/dms`, { userIds: [bob.id] });
  dmId = (dm.body as { id: string }).id;
});
afterAll(() => server.close());

/** What the service's answer reads as once sent as plain JSON. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const CHANNEL_FIELDS = ['archived', 'createdAt', 'createdBy', 'id', 'kind', 'name', 'topic', 'workspaceId'];

async function expectAnswer(path: string, expected: unknown) {
  const answer = await alice.api.get(path);
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual(asJson(expected));
  return answer.body as Record<string, unknown>;
}

it('GET /me answers the whole user', async () => {
  const me = await expectAnswer('/api/v1/me', await server.app.get(AuthService).me(alice.id));
  expect(Object.keys(me).sort()).toEqual([
    'avatarUrl',
    'createdAt',
    'displayName',
    'email',
    'id',
    'instanceAdmin',
  ]);
});

it('GET /channels/:channelId answers the whole channel, and a direct conversation its members', async () => {
  const channels = server.app.get(ChannelsService);
  const channel = await expectAnswer(
    `/api/v1/channels/${channelId}`,
    await channels.get(channelId, alice.id),
  );
  expect(Object.keys(channel).sort()).toEqual(CHANNEL_FIELDS);
  const dm = await expectAnswer(`/api/v1/channels/${dmId}`, await channels.get(dmId, alice.id));
  expect(Object.keys(dm).sort()).toEqual([...CHANNEL_FIELDS, 'memberIds'].sort());
  expect(dm.memberIds).toEqual([alice.id, bob.id].sort());
});

it('GET /workspaces/:workspaceId/channels answers whole pages', async () => {
  const channels = server.app.get(ChannelsService);
  const first = await expectAnswer(
    `/api/v1/workspaces/${workspaceId}/channels?limit=2`,
    await channels.list(workspaceId, alice.id, { limit: 2 }),
  );
  expect(first.nextCursor).toEqual(expect.any(String));
  const items = first.items as Record<string, unknown>[];
  expect(Object.keys(items[0]).sort()).toEqual(
    [
      ...CHANNEL_FIELDS,
      'countedThroughId',
      'isMember',
      'lastReadId',
      'mentionCount',
      'muted',
      'unreadCount',
    ].sort(),
  );
  const cursor = encodeURIComponent(first.nextCursor as string);
  await expectAnswer(
    `/api/v1/workspaces/${workspaceId}/channels?limit=2&cursor=${cursor}`,
    await channels.list(workspaceId, alice.id, { limit: 2, cursor: first.nextCursor as string }),
  );
});

it('covers every route that declares the schema of its answer', () => {
  // Returns sets Fastify's response schema on the handler (Responds only documents, and serializes nothing).
  const controllers = [...server.app.get(ModulesContainer).values()].flatMap((module) => [
    ...module.controllers.values(),
  ]);
  const serialized = controllers.flatMap(({ metatype }) => {
    if (!metatype) return [];
    const prototype = (metatype as { prototype: Record<string, unknown> }).prototype;
    const base = Reflect.getMetadata(PATH_METADATA, metatype) as string;
    return Object.getOwnPropertyNames(prototype)
      .map((name) => prototype[name])
      .filter((handler) => Reflect.getMetadata(FASTIFY_ROUTE_SCHEMA_METADATA, handler as object)?.response)
      .map((handler) => {
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler as object) as number];
        return `${method} /${base}/${Reflect.getMetadata(PATH_METADATA, handler as object) as string}`;
      });
  });
  expect(serialized.sort()).toEqual([
    'GET /api/v1/channels/:channelId',
    'GET /api/v1/me',
    'GET /api/v1/workspaces/:workspaceId/channels',
  ]);
});
