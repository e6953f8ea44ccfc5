import { randomUUID } from 'node:crypto';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

/**
 * Every operation of the server's own OpenAPI document gets a table of hostile inputs — in its path, its
 * query and its body — sent as a real workspace owner with real ids everywhere else, so that each input
 * reaches as deep as it can. None may answer 5xx, and every error must be application/problem+json.
 */

interface Schema {
  type?: string;
  format?: string;
  enum?: unknown[];
  minimum?: number;
  minItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
}
interface Operation {
  parameters?: { in: 'path' | 'query' | 'header'; name: string }[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
}
interface Probe {
  operation: string;
  what: string;
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  token?: string;
}

let server: TestServer;
let owner: TestUser;
let member: TestUser;
/** Real values for every path parameter of the document, by name. */
const ids: Record<string, string> = {};
/** Operations that would end the owner's access to the shared resources run on their own copies. */
const scratch: Record<string, Record<string, string>> = {};

const cursor = (key: object) => Buffer.from(JSON.stringify(key)).toString('base64url');
const deep = (levels: number): unknown => {
  let value: unknown = 'x';
  for (let level = 0; level < levels; level++) value = { a: value };
  return value;
};

/** Path segments, as sent on the wire (already percent-encoded where needed). */
const HOSTILE_PATH = [
  'garbage',
  'x%00y',
  '99999999999999999999',
  randomUUID(),
  'a'.repeat(90),
  encodeURIComponent('😀{"a":1}'),
];

/** Query values, encoded. */
const HOSTILE_QUERY = [
  'x%00y',
  '',
  'a'.repeat(5000),
  '-1',
  '1.5',
  '1e309',
  '99999999999999999999',
  'eyJpZCI6ImdhcmJhZ2UifQ', // {"id":"garbage"}, the tampered cursor
  cursor({ id: 1 }),
  cursor({ userId: 'x' }),
  cursor({ eventSeq: 'garbage' }),
  cursor({ eventSeq: '99999999999999999999' }),
  'not a cursor !!',
];

/** JSON values put in place of one body field. */
const HOSTILE_VALUES: unknown[] = [
  'a\u0000b',
  '\ud800',
  'x'.repeat(100_000),
  '',
  2 ** 64,
  '9223372036854775808',
  '9999-12-31T23:59:60Z',
  null,
  [{ a: '\ud800' }],
  deep(200),
];

/** Whole JSON bodies. */
const HOSTILE_BODIES = [
  '[]',
  '"\\u0000"',
  '123',
  'null',
  '{"\\u0000":"\\ud800"}',
  '{"a":'.repeat(5000) + '1' + '}'.repeat(5000),
  '{"a":',
];

/** Fields some routes read without declaring them in the document (Slack and OAuth protocols). */
const UNDECLARED_FIELDS: Record<string, string[]> = {
  'POST /hooks/{token}': ['text', 'username', 'icon_url', 'thread_ts', 'payload'],
  'POST /hooks/commands/{token}': ['text', 'command', 'payload'],
  'POST /oauth/authorize': ['workspace_id', 'client_id', 'redirect_uri', 'response_type', 'scope', 'state'],
  'POST /oauth/token': ['grant_type', 'client_id', 'client_secret', 'code', 'redirect_uri', 'refresh_token'],
  'POST /oauth/revoke': ['token', 'client_id', 'client_secret'],
};
const UNDECLARED_QUERY: Record<string, string[]> = {
  'GET /oauth/authorize': ['client_id', 'redirect_uri', 'scope', 'state', 'response_type'],
  'GET /api/v1/auth/sso/callback': ['code', 'state'],
};
/** Protocol endpoints whose errors are OAuth's JSON (RFC 6749 §5.2) or a browser page, not problem+json. */
const NOT_PROBLEM_JSON = new Set(['POST /oauth/token', 'POST /oauth/revoke', 'GET /oauth/authorize']);
/** SQL as PostgreSQL's messages quote it, or a stack frame. */
const LEAK = /\bselect\b.+\bfrom\b|\binsert into\b|\bupdate\b.+\bset\b|\bdelete from\b|\bat .+\.[jt]s:\d+/i;
/** Probes that would end the session every other probe uses. */
const OWN_SESSION = new Set(['POST /api/v1/auth/logout']);

/** A valid value for a declared field, so that one hostile field at a time reaches the route's rules. */
function sample(schema: Schema, name: string): unknown {
  if (schema.enum) return schema.enum.includes('member') ? 'member' : schema.enum[0];
  switch (schema.type) {
    case 'string':
      if (schema.format === 'uuid') return ids[name === 'threadId' ? 'messageId' : name] ?? randomUUID();
      if (schema.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
      if (schema.format === 'email') return `abuse.${randomUUID()}@example.test`;
      return (
        {
          url: 'http://127.0.0.1:9/abuse',
          eventsUrl: 'http://127.0.0.1:9/abuse',
          redirectUris: 'https://app.example/callback',
          slug: `abuse-${randomUUID().slice(0, 8)}`,
          name: `abuse-${randomUUID().slice(0, 8)}`,
          text: 'abuse text',
          emoji: 'tada',
          password: 'correct horse battery',
          allowedHosts: 'example.com',
        }[name] ?? 'abuse'
      );
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'array':
      return schema.minItems ? [sample(schema.items ?? {}, name.replace(/Ids$/, 'Id'))] : [];
    case 'object':
      return Object.fromEntries(
        (schema.required ?? []).map((key) => [key, sample(schema.properties?.[key] ?? {}, key)]),
      );
    default:
      return 'abuse';
  }
}

function probesFor(document: { paths: Record<string, Record<string, Operation>> }): Probe[] {
  const probes: Probe[] = [];
  for (const [template, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const name = `${method.toUpperCase()} ${template}`;
      const real = { ...ids, ...scratch[name] };
      const pathParams = (operation.parameters ?? []).filter((param) => param.in === 'path');
      const queryParams = [
        ...(operation.parameters ?? []).filter((param) => param.in === 'query').map((param) => param.name),
        ...(UNDECLARED_QUERY[name] ?? []),
      ];
      const fill = (override: Record<string, string> = {}) =>
        template.replace(/\{(\w+)\}/g, (_, param: string) => override[param] ?? real[param] ?? randomUUID());
      const probe = (what: string, path: string, body?: unknown, headers?: Record<string, string>) =>
        probes.push({
          operation: name,
          what,
          method: method.toUpperCase(),
          path,
          ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
          headers: body === undefined ? {} : { 'content-type': 'application/json', ...headers },
        });

      for (const param of pathParams) {
        for (const value of HOSTILE_PATH)
          probe(`path ${param.name}=${value.slice(0, 20)}`, fill({ [param.name]: value }));
      }
      for (const param of queryParams) {
        for (const value of HOSTILE_QUERY)
          probe(`query ${param}=${value.slice(0, 20)}`, `${fill()}?${param}=${value}`);
        probe(`query ${param} twice`, `${fill()}?${param}=a&${param}=%00`);
        probe(`query ${param} as an object`, `${fill()}?${param}[a]=%00`);
      }
      probe('query unknown', `${fill()}?unknown=%00`);
      if (!['post', 'put', 'patch'].includes(method)) continue;
      const schema = operation.requestBody?.content['application/json']?.schema;
      const base = schema ? (sample(schema, '') as Record<string, unknown>) : {};
      const fields = [...Object.keys(schema?.properties ?? {}), ...(UNDECLARED_FIELDS[name] ?? [])];
      for (const field of fields) {
        for (const value of HOSTILE_VALUES) {
          probe(`body ${field}=${JSON.stringify(value)?.slice(0, 20)}`, fill(), { ...base, [field]: value });
        }
        // The same field form-encoded (Slack-style bodies, OAuth), and as JSON text inside a `payload` field
        // (where `\u0000` is an escape that becomes NUL only once the route parses it).
        const form = { 'content-type': 'application/x-www-form-urlencoded' };
        const formBase = Object.fromEntries(
          Object.entries(base).map(([key, value]) => [
            key,
            typeof value === 'string' ? value : JSON.stringify(value),
          ]),
        );
        probe(
          `form ${field}`,
          fill(),
          new URLSearchParams({ ...formBase, [field]: '\u0000' }).toString(),
          form,
        );
        const payload = JSON.stringify({ ...base, [field]: '\ud800\u0000' });
        probe(`form payload.${field}`, fill(), new URLSearchParams({ payload }).toString(), form);
      }
      for (const body of HOSTILE_BODIES) probe(`body ${body.slice(0, 20)}`, fill(), body);
      // Basic client credentials holding text no id can hold.
      const basic = Buffer.from('abuse%00id\u0000:secret%ZZ').toString('base64');
      probe('basic credentials', fill(), base, { authorization: `Basic ${basic}` });
    }
  }
  return probes;
}

async function send(probe: Probe): Promise<{ status: number; type: string; text: string }> {
  const headers: Record<string, string> = { ...probe.headers };
  headers.authorization ??= `Bearer ${probe.token ?? owner.token}`;
  const response = await fetch(server.url + probe.path, {
    method: probe.method,
    headers,
    ...(probe.body === undefined ? {} : { body: probe.body }),
    redirect: 'manual',
    // An answer that never comes is a failure of its own, named by the probe.
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', text };
}

beforeAll(async () => {
  server = await startTestServer({
    egressAllowNetworks: ['127.0.0.0/8'],
    // Thousands of probes from one token and one address: rate limits would answer 429 instead of the route.
    apiRateLimitPerToken: 1_000_000,
    apiRateLimitPerAddress: 1_000_000,
    loginMaxFailures: 1_000_000,
    loginAddressMaxFailures: 1_000_000,
    loginAccountMaxFailures: 1_000_000,
  });
  owner = await registerUser(server.url, 'Owner');
  member = await registerUser(server.url, 'Member');
  ids.workspaceId = (await createWorkspace(owner)).id;
  await addToWorkspace(owner, ids.workspaceId, member);
  ids.userId = member.id;
  ids.channelId = (await createChannel(owner, ids.workspaceId)).id;
  await member.api.post(`/api/v1/channels/${ids.channelId}/join`);
  const webhook = await owner.api.post(`/api/v1/workspaces/${ids.workspaceId}/webhooks`, {
    url: 'http://127.0.0.1:9/abuse',
    events: ['message.created'],
  });
  ids.webhookId = webhook.body.id;
  ids.messageId = (await postMessage(owner, ids.channelId, 'a message to abuse')).id;
  await owner.api.post(`/api/v1/messages/${ids.messageId}/reactions`, { emoji: 'tada' });
  ids.emoji = 'tada';
  ids.tokenId = (await owner.api.post('/api/v1/me/tokens', { name: 'abuse' })).body.id;
  ids.code = (await owner.api.post(`/api/v1/workspaces/${ids.workspaceId}/invites`, {})).body.code;
  const form = new FormData();
  form.append('file', new Blob(['hello']), 'hello.txt');
  ids.fileId = (await owner.api.post(`/api/v1/workspaces/${ids.workspaceId}/files`, form)).body.id;
  ids.pluginId = 'tasks';
  const hook = await owner.api.post(`/api/v1/channels/${ids.channelId}/incoming-webhooks`, { name: 'abuse' });
  ids.hookId = hook.body.id;
  ids.token = new URL(hook.body.url as string).pathname.split('/').pop() as string;
  const app = await owner.api.post(`/api/v1/workspaces/${ids.workspaceId}/apps`, {
    name: 'abuse',
    redirectUris: ['https://app.example/callback'],
    scopes: ['chat:write'],
  });
  ids.appId = app.body.id;
  ids.callId = (await owner.api.post(`/api/v1/channels/${ids.channelId}/calls`)).body.id ?? randomUUID();
  ids.deliveryId = await eventually(async () => {
    const deliveries = await owner.api.get(
      `/api/v1/workspaces/${ids.workspaceId}/webhooks/${ids.webhookId}/deliveries`,
    );
    return deliveries.body.items?.[0]?.id as string | undefined;
  }, 'a webhook delivery');
  const scheduled = await owner.api.post(`/api/v1/channels/${ids.channelId}/scheduled-messages`, {
    text: 'later',
    postAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  ids.scheduledMessageId = scheduled.body.id;
  // Leaving, archiving and removing act on a channel of their own, so the other probes keep theirs.
  const spare = (await createChannel(owner, ids.workspaceId)).id;
  await member.api.post(`/api/v1/channels/${spare}/join`);
  for (const operation of [
    'PATCH /api/v1/channels/{channelId}',
    'POST /api/v1/channels/{channelId}/leave',
    'DELETE /api/v1/channels/{channelId}/members/{userId}',
  ]) {
    scratch[operation] = { channelId: spare };
  }
  for (const [key, value] of Object.entries(ids)) if (!value) throw new Error(`no real ${key}`);
}, 30_000);
afterAll(() => server.close());

it('answers every operation of the OpenAPI document, fed hostile input, without a 5xx and with problem+json errors', async () => {
  const document = (await (await fetch(`${server.url}/api/docs-json`)).json()) as Parameters<
    typeof probesFor
  >[0];
  const probes = probesFor(document);
  const logout = await registerUser(server.url);
  for (const probe of probes) if (OWN_SESSION.has(probe.operation)) probe.token = logout.token;
  // Probes that remove things go last, so that the others still find what they name.
  const ordered = [
    ...probes.filter((probe) => probe.method !== 'DELETE'),
    ...probes.filter((probe) => probe.method === 'DELETE'),
  ];
  const failures: string[] = [];
  const queue = [...ordered];
  const worker = async () => {
    for (let probe = queue.shift(); probe; probe = queue.shift()) {
      const answer = await send(probe).catch((error: Error) => error);
      if (answer instanceof Error) {
        failures.push(`${probe.operation} ${probe.what}: no answer (${answer.message})`);
        continue;
      }
      const { status, type, text } = answer;
      const problem = type.startsWith('application/problem+json');
      if (status >= 500 || (status >= 400 && !problem && !NOT_PROBLEM_JSON.has(probe.operation))) {
        failures.push(`${probe.operation} ${probe.what}: ${status} ${type} ${text.slice(0, 200)}`);
      }
      // A refusal the database made instead of the edge names no field: the edge let the value through.
      if (problem && text.includes('"path":"(request)"')) {
        failures.push(`${probe.operation} ${probe.what}: refused by the database, not the edge`);
      }
      // PostgreSQL's messages quote the statement; a stack names files and lines. No error may carry either.
      if (status >= 400 && LEAK.test(text)) {
        failures.push(`${probe.operation} ${probe.what}: SQL or stack text in ${text.slice(0, 200)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  expect(probes.length).toBeGreaterThan(2000);
  expect(failures).toEqual([]);
}, 180_000);
