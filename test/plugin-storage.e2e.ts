import { createHash, createHmac } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { Client } from 'pg';
import { buildTestPlugin } from '../fixtures/plugin-build';
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
 * The first-party storage plugin (plugins/storage, built into its dist by the test setup) installed through
 * the API on a real server, copying files to a WebDAV server and an S3-like server on 127.0.0.1 that its
 * admin allowed with `allowedHosts`; and `ctx.files.get` itself, through two small probe plugins.
 */
let server: TestServer;
let db: Client;
let admin: TestUser;
let member: TestUser;
let workspaceId: string;
let channelId: string;

const DAV_AUTH = `Basic ${Buffer.from('mirror:s3cret pass').toString('base64')}`;
const S3_KEY_ID = 'AKIDLOCAL';
const S3_SECRET = 'local/secret+key';

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>) {
  const http = createServer((request, response) => void handler(request, response));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { http, url: `http://127.0.0.1:${(http.address() as { port: number }).port}` };
}

/**
 * A WebDAV endpoint with the user's collection `/dav/files/mirror/`: PUT needs its parent collection (else
 * 409), MKCOL makes one (405 if it exists).
 */
const dav = { files: new Map<string, Buffer>(), collections: new Set(['/dav/files/mirror/']), full: false };
let davServer: Server;
let davUrl: string;
async function davHandler(request: IncomingMessage, response: ServerResponse) {
  const body = await bodyOf(request);
  const url = request.url ?? '/';
  const parent = url.replace(/[^/]*\/?$/, '');
  const status = (() => {
    if (request.headers.authorization !== DAV_AUTH) return 401;
    if (request.method === 'MKCOL') {
      if (dav.collections.has(url)) return 405;
      if (!dav.collections.has(parent)) return 409;
      dav.collections.add(url);
      return 201;
    }
    if (request.method !== 'PUT') return 405;
    if (!dav.collections.has(parent)) return 409;
    if (dav.full) return 507;
    const existed = dav.files.has(url);
    dav.files.set(url, body);
    return existed ? 204 : 201;
  })();
  response.statusCode = status;
  response.end();
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** Why a request's SigV4 signature is wrong, recomputed independently with node:crypto; undefined when right. */
function sigV4Problem(request: IncomingMessage, body: Buffer): string | undefined {
  const auth =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/s3\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      request.headers.authorization ?? '',
    );
  if (!auth) return 'AuthorizationHeaderMalformed';
  const [, keyId, date, region, signedHeaders, signature] = auth;
  if (keyId !== S3_KEY_ID) return 'InvalidAccessKeyId';
  const names = signedHeaders.split(';');
  if (!['host', 'x-amz-date', 'x-amz-content-sha256'].every((name) => names.includes(name)))
    return 'AccessDenied';
  if (request.headers['x-amz-content-sha256'] !== sha256(body)) return 'XAmzContentSHA256Mismatch';
  const [pathname, query = ''] = (request.url ?? '/').split('?');
  const canonical = [
    request.method,
    pathname,
    query,
    names.map((name) => `${name}:${String(request.headers[name]).trim()}\n`).join(''),
    signedHeaders,
    sha256(body),
  ].join('\n');
  const scope = `${date}/${region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', request.headers['x-amz-date'], scope, sha256(canonical)].join(
    '\n',
  );
  const key = [date, region, 's3', 'aws4_request'].reduce<Buffer>(
    (previous, part) => hmac(previous, part),
    Buffer.from(`AWS4${S3_SECRET}`),
  );
  return hmac(key, stringToSign).toString('hex') === signature ? undefined : 'SignatureDoesNotMatch';
}

/** An S3-like server (path-style) that stores an object only when its signature checks out. */
const s3 = { objects: new Map<string, Buffer>(), refused: [] as string[] };
let s3Server: Server;
let s3Url: string;
async function s3Handler(request: IncomingMessage, response: ServerResponse) {
  const body = await bodyOf(request);
  const problem = request.method === 'PUT' ? sigV4Problem(request, body) : 'MethodNotAllowed';
  if (problem) {
    s3.refused.push(problem);
    response.statusCode = 403;
    response.end(`<?xml version="1.0"?><Error><Code>${problem}</Code></Error>`);
    return;
  }
  s3.objects.set(request.url ?? '/', body);
  response.end();
}

/** Reads a file with ctx.files.get and answers what it got; `blind` is the same code without the permission. */
const PROBE = `
import { definePlugin } from '@jokkaer/sdk-plugin';
const peek = async ({ args }, ctx) => {
  const file = await ctx.files.get(args.trim());
  return { text: file ? [file.name, file.size, file.contentType, file.contentBase64].join(' ') : 'null' };
};
export default definePlugin({ commands: { peek, blind: peek } });`;

/** The probe plugin, with or without the files permission. */
const buildProbe = (id: string, command: string, files?: object) =>
  buildTestPlugin(PROBE, {
    id,
    permissions: { commands: [{ command, description: command }], ...(files ? { files } : {}) },
  });

beforeAll(async () => {
  ({ http: davServer, url: davUrl } = await listen(davHandler));
  ({ http: s3Server, url: s3Url } = await listen(s3Handler));
  server = await startTestServer({
    pluginDirs: [
      await buildProbe('file-probe', 'peek', { read: true, maxBytes: 64 }),
      await buildProbe('file-blind', 'blind'),
    ],
    egressAllowNetworks: ['127.0.0.0/8'],
  });
  db = new Client({ connectionString: server.databaseUrl });
  await db.connect();
  admin = await registerUser(server.url, 'Admin');
  member = await registerUser(server.url, 'Member');
  workspaceId = (await createWorkspace(admin)).id;
  await addToWorkspace(admin, workspaceId, member);
  channelId = (await createChannel(admin, workspaceId, 'public', 'shared')).id;
  await member.api.post(`/api/v1/channels/${channelId}/join`);
}, 120_000);
afterAll(async () => {
  await db.end();
  await server.close();
  for (const http of [davServer, s3Server]) {
    http.closeAllConnections();
    http.close();
  }
});

const install = (body: object) => admin.api.put(`/api/v1/workspaces/${workspaceId}/plugins/storage`, body);
const davSettings = () => ({
  backend: 'webdav',
  channels: [channelId],
  webdavUrl: `${davUrl}/dav/files/mirror`,
  webdavUsername: 'mirror',
  webdavPassword: 's3cret pass',
});
const command = async (text: string) =>
  (await member.api.post(`/api/v1/channels/${channelId}/commands`, { text })).body as {
    responseType: string;
    text: string;
  };
const upload = async (content: Uint8Array, name: string, by = member) => {
  const form = new FormData();
  form.append('file', new Blob([content], { type: 'application/octet-stream' }), name);
  const uploaded = await by.api.post(`/api/v1/workspaces/${workspaceId}/files`, form);
  expect(uploaded.status).toBe(201);
  return uploaded.body as { id: string; name: string; size: number };
};
/** Uploads a file and shares it in a message in `inChannel`. */
const share = async (content: Uint8Array, name: string, inChannel = channelId, by = member) => {
  const file = await upload(content, name, by);
  await postMessage(by, inChannel, '', { fileIds: [file.id] });
  return file;
};
const invocations = async () =>
  (await admin.api.get(`/api/v1/workspaces/${workspaceId}/plugins/storage/invocations`)).body.items as {
    kind: string;
    name: string;
    outcome: string;
    message: string | null;
  }[];
/** Bytes that a text round trip anywhere on the way would change. */
const binary = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 37 + 255) % 256);

describe('storage plugin', () => {
  it('refuses settings that fail the schema, naming the field', async () => {
    const missing = await install({ enabled: true, settings: { backend: 'webdav', channels: [channelId] } });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toContain('settings/webdavUrl');
    const wrong = await install({ enabled: true, settings: { ...davSettings(), backend: 'ftp' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors.map((e: { path: string }) => e.path)).toContain('settings/backend');
  });

  it('installs with allowedHosts and copies a shared file byte-identical to WebDAV; /files find lists it', async () => {
    const installed = await install({ enabled: true, settings: davSettings(), allowedHosts: ['127.0.0.1'] });
    expect(installed.status).toBe(200);
    expect(installed.body).toMatchObject({ pluginId: 'storage', allowedHosts: ['127.0.0.1'] });
    expect(JSON.stringify(installed.body)).not.toContain('s3cret');

    const content = binary(300_000);
    const file = await share(content, 'Site photo.bin');
    const stored = `/dav/files/mirror/jokkaer/${channelId}/${file.id}-Site%20photo.bin`;
    const bytes = await eventually(
      () => Promise.resolve(dav.files.get(stored)),
      'the copy on the WebDAV server',
    );
    expect(Buffer.compare(bytes, Buffer.from(content))).toBe(0);
    expect(dav.collections).toContain(`/dav/files/mirror/jokkaer/${channelId}/`);

    // A file shared in a channel that is not chosen stays where it is.
    const other = (await createChannel(admin, workspaceId, 'public')).id;
    await member.api.post(`/api/v1/channels/${other}/join`);
    const skipped = await share(binary(10), 'elsewhere.bin', other);
    await postMessage(member, channelId, 'marker');
    await eventually(
      async () => ((await invocations()).filter((i) => i.kind === 'event').length >= 3 ? true : undefined),
      'the events to be handled',
    );
    expect([...dav.files.keys()].some((key) => key.includes(skipped.id))).toBe(false);

    const found = await command('/files find PHOTO');
    expect(found.responseType).toBe('ephemeral');
    expect(found.text).toContain('*Site photo.bin* (293.0 KiB');
    expect(found.text).toContain(`${davUrl}${stored}`);
    expect((await command('/files')).text).toMatch(/^`\/files find <name>`/);
  });

  it('fails the event on 507 Insufficient Storage, shows it in the invocation log, and retries later', async () => {
    dav.full = true;
    const file = await share(binary(1000), 'full-disk.bin');
    const failed = await eventually(
      async () =>
        (await invocations()).find((i) => i.outcome === 'error' && i.message?.includes('full-disk.bin')),
      'the failed event in the invocation log',
    );
    expect(failed).toMatchObject({ kind: 'event', name: 'message.created' });
    expect(failed.message).toContain('WebDAV PUT answered 507 Insufficient Storage; retrying later');

    dav.full = false;
    // Skip the wait: the entry's backoff and the next minute's schedule.
    await db.query(`UPDATE plugin_kv SET value = jsonb_set(value, '{nextAt}', '0') WHERE key = $1`, [
      `retry:${file.id}`,
    ]);
    await db.query(`UPDATE plugin_schedules SET next_run_at = now() WHERE name = 'retry'`);
    const stored = `/dav/files/mirror/jokkaer/${channelId}/${file.id}-full-disk.bin`;
    await eventually(() => Promise.resolve(dav.files.get(stored)), 'the retried copy', 10_000);
    await eventually(
      async () =>
        (await invocations()).some((i) => i.kind === 'schedule' && i.name === 'retry' && i.outcome === 'ok')
          ? true
          : undefined,
      'the successful retry in the invocation log',
    );
    // A redelivery of the failed event that was still running may have queued the file again: wait it out.
    await eventually(
      async () =>
        (await db.query(`SELECT key FROM plugin_kv WHERE key LIKE 'retry:%'`)).rows.length === 0 || undefined,
      'the retry queue to be empty',
      10_000,
    );
    expect((await command('/files find full-disk')).text).toContain(stored);
  });

  it('signs uploads to an S3-compatible endpoint that checks SigV4', async () => {
    const reconfigured = await install({
      enabled: true,
      settings: {
        backend: 's3',
        channels: [channelId],
        s3Endpoint: s3Url,
        s3PathStyle: true,
        s3Region: 'eu-north-1',
        s3Bucket: 'team-files',
        s3AccessKeyId: S3_KEY_ID,
        s3SecretAccessKey: S3_SECRET,
        pathPrefix: 'chat/archive',
      },
    });
    expect(reconfigured.status).toBe(200);
    expect(reconfigured.body.allowedHosts).toEqual(['127.0.0.1']);
    const content = binary(5000);
    const file = await share(content, 'budget (v2).xlsx');
    const key = `/team-files/chat/archive/${channelId}/${file.id}-budget%20%28v2%29.xlsx`;
    const bytes = await eventually(() => Promise.resolve(s3.objects.get(key)), 'the object on the S3 server');
    expect(Buffer.compare(bytes, Buffer.from(content))).toBe(0);
    expect(s3.refused).toEqual([]);
  });
});

describe('ctx.files.get', () => {
  let secretId: string;
  beforeAll(async () => {
    // Nothing left running when the server stops at the end.
    await admin.api.delete(`/api/v1/workspaces/${workspaceId}/plugins/storage`);
    for (const id of ['file-probe', 'file-blind'])
      expect(
        (await admin.api.put(`/api/v1/workspaces/${workspaceId}/plugins/${id}`, { enabled: true })).status,
      ).toBe(200);
    secretId = (await createChannel(admin, workspaceId, 'private')).id;
  });

  it('hands over a file shared in a public channel, with its bytes', async () => {
    const file = await share(Buffer.from('small file'), 'small.txt');
    expect((await command(`/peek ${file.id}`)).text).toBe(
      `small.txt 10 application/octet-stream ${Buffer.from('small file').toString('base64')}`,
    );
  });

  it('answers null for a file the bot may not see: in a private channel it is not in, or never shared', async () => {
    const hidden = await share(Buffer.from('secret'), 'secret.txt', secretId, admin);
    expect((await command(`/peek ${hidden.id}`)).text).toBe('null');
    const unshared = await upload(Buffer.from('draft'), 'draft.txt');
    expect((await command(`/peek ${unshared.id}`)).text).toBe('null');
    expect((await command('/peek not-an-id')).text).toBe('null');
  });

  it('refuses a file over files.maxBytes, naming its size and the limit', async () => {
    const big = await share(binary(100), 'big.bin');
    expect((await command(`/peek ${big.id}`)).text).toBe(
      '/peek failed: the file is 100 bytes, more than the 64 bytes permissions.files.maxBytes allows',
    );
  });

  it('refuses a plugin whose manifest does not ask for files.read', async () => {
    const file = await share(Buffer.from('small file'), 'small.txt');
    expect((await command(`/blind ${file.id}`)).text).toBe(
      '/blind failed: the manifest does not grant files.read',
    );
  });
});
