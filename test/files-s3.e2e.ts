import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createWorkspace, registerUser, TestUser } from '../fixtures/factories';
import { startS3Server, S3TestServer } from '../fixtures/s3-server';
import { digestOf, streamedUpload } from '../fixtures/streamed-upload';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

/** FILE_STORAGE=s3 against a real S3 protocol server (s3rver) on loopback. */
const UPLOAD_LIMIT = 256 * 1024 * 1024;
const LARGE_FILE_BYTES = 200 * 1024 * 1024;
/** What the server may grow by while streaming LARGE_FILE_BYTES through (two 5 MiB parts in flight, buffers). */
const RSS_GROWTH_BOUND = 100 * 1024 * 1024;

let s3: S3TestServer;
let server: TestServer;
let alice: TestUser;
let workspaceId: string;

beforeAll(async () => {
  s3 = await startS3Server();
  server = await startTestServer({
    fileStorage: 's3',
    s3: { ...s3.settings, presignedDownloads: false },
    uploadLimitBytes: UPLOAD_LIMIT,
  });
  alice = await registerUser(server.url, 'Alice');
  workspaceId = (await createWorkspace(alice)).id;
});
afterAll(async () => {
  await server?.close();
  await s3?.close();
});

const uploadUrl = () => `${server.url}/api/v1/workspaces/${workspaceId}/files`;

async function upload(content: Uint8Array, name: string) {
  const form = new FormData();
  form.append('file', new Blob([content], { type: 'application/octet-stream' }), name);
  return alice.api.post(uploadUrl().slice(server.url.length), form);
}

function download(fileId: string, init: RequestInit = {}) {
  return fetch(`${server.url}/api/v1/files/${fileId}/content`, {
    ...init,
    headers: { authorization: `Bearer ${alice.token}` },
  });
}

async function fileRows(): Promise<number> {
  const client = new Client({ connectionString: server.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM files');
    return Number(rows[0].count);
  } finally {
    await client.end();
  }
}

describe('files on S3', () => {
  it('stores uploads in the bucket and serves them back byte-identical (one PUT, and multipart)', async () => {
    for (const size of [300 * 1024, 12 * 1024 * 1024]) {
      const content = randomBytes(size);
      const uploaded = await upload(content, `blob-${size}.bin`);
      expect(uploaded.status).toBe(201);
      expect(uploaded.body.size).toBe(size);
      expect(await s3.size(`${workspaceId}/${uploaded.body.id}`)).toBe(size);

      const response = await download(uploaded.body.id);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBe(String(size));
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
    }
  });

  it('streams a 200 MB upload to the bucket without holding it in memory', async () => {
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const started = performance.now();
    try {
      const sent = await streamedUpload(uploadUrl(), alice.token, {
        size: LARGE_FILE_BYTES,
        name: 'big.bin',
      });
      const uploadMs = performance.now() - started;
      expect(sent.status).toBe(201);
      expect(sent.body.size).toBe(LARGE_FILE_BYTES);
      expect(await s3.size(`${workspaceId}/${sent.body.id}`)).toBe(LARGE_FILE_BYTES);

      const fetched = await digestOf(await download(sent.body.id));
      expect(fetched).toEqual({ sha256: sent.sha256, bytes: LARGE_FILE_BYTES });
      const growth = peak - before;
      console.log(
        `200 MB via S3: upload ${Math.round(uploadMs)} ms, round trip ${Math.round(performance.now() - started)} ms, ` +
          `RSS growth ${(growth / 1024 / 1024).toFixed(1)} MiB (the test process holds client, server and s3rver)`,
      );
      expect(growth).toBeLessThan(RSS_GROWTH_BOUND);
    } finally {
      clearInterval(sampler);
    }
  }, 300_000);

  it('leaves no object and no row behind when the upload is cut off mid-body', async () => {
    const rowsBefore = await fileRows();
    const objectsBefore = await s3.keys(`${workspaceId}/`);
    const seen = s3.requests.length;
    const since = () => s3.requests.slice(seen);
    const bucketRequest = (pattern: RegExp, what: string) =>
      eventually(() => Promise.resolve(since().find((r) => pattern.test(r))), what, 20_000);
    await streamedUpload(uploadUrl(), alice.token, {
      size: 50 * 1024 * 1024,
      name: 'cut.bin',
      // Cut once the bucket is receiving parts: a multipart upload is in flight.
      cutAfter: {
        bytes: 16 * 1024 * 1024,
        when: () => bucketRequest(/^PUT .*partNumber=/, 'a part'),
      },
    });
    // The server aborts the multipart upload, then deletes the key in case anything was completed.
    const cleanup = await bucketRequest(/^DELETE .*x-id=DeleteObject/, 'the cleanup delete');
    expect(since().some((r) => /^DELETE .*x-id=AbortMultipartUpload/.test(r))).toBe(true);
    const key = new URL(cleanup.split(' ')[1], s3.settings.endpoint).pathname.split('/').slice(2).join('/');
    expect(key).toMatch(new RegExp(`^${workspaceId}/`));
    expect(await s3.size(key)).toBeUndefined();
    expect(await s3.keys(`${workspaceId}/`)).toEqual(objectsBefore);
    expect(await fileRows()).toBe(rowsBefore);
  }, 60_000);
});

describe('files on S3 with presigned downloads', () => {
  let presigning: TestServer;
  afterAll(() => presigning?.close());

  it('redirects a reader to a short-lived presigned URL that serves the bytes with safe headers', async () => {
    presigning = await startTestServer({
      databaseUrl: server.databaseUrl,
      fileStorage: 's3',
      s3: { ...s3.settings, presignedDownloads: true, presignedExpirySeconds: 30 },
    });
    const content = randomBytes(64 * 1024);
    const uploaded = await upload(content, 'page.html');
    expect(uploaded.status).toBe(201);

    const response = await fetch(`${presigning.url}/api/v1/files/${uploaded.body.id}/content`, {
      redirect: 'manual',
      headers: { authorization: `Bearer ${alice.token}` },
    });
    expect(response.status).toBe(302);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const location = new URL(response.headers.get('location')!);
    expect(location.origin).toBe(s3.settings.endpoint);
    expect(location.searchParams.get('X-Amz-Expires')).toBe('30');
    // (s3rver does not verify version 4 signatures: that the URL carries one is all this can check.)
    expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);

    const fromBucket = await fetch(location);
    expect(fromBucket.status).toBe(200);
    // HTML is never served as a page: the bucket is told to answer as for any risky type.
    expect(fromBucket.headers.get('content-type')).toBe('application/octet-stream');
    expect(fromBucket.headers.get('content-disposition')).toMatch(/^attachment; filename="page.html"/);
    expect(Buffer.from(await fromBucket.arrayBuffer()).equals(content)).toBe(true);

    // Authorization is still the server's: a stranger gets no URL.
    const mallory = await registerUser(presigning.url, 'Mallory');
    const refused = await fetch(`${presigning.url}/api/v1/files/${uploaded.body.id}/content`, {
      redirect: 'manual',
      headers: { authorization: `Bearer ${mallory.token}` },
    });
    expect(refused.status).toBe(404);
  });
});
