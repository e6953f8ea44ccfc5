import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createWorkspace, registerUser, TestUser } from '../fixtures/factories';
import { httpRequest, rawRequest, RawResponse } from '../fixtures/raw-http';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

// Every multipart shape a client can send must end with an answer in bounded time, and leave no partial
// file open or on disk (it once hung for good and leaked a descriptor per request).
const UPLOAD_LIMIT = 64 * 1024;
const IDLE_TIMEOUT_SECONDS = 1;
/** Far below the hang this guards against; the stalled shape waits IDLE_TIMEOUT_SECONDS by design. */
const ANSWER_WITHIN_MS = 4000;

let server: TestServer;
let alice: TestUser;
let target: string;

beforeAll(async () => {
  server = await startTestServer({
    uploadLimitBytes: UPLOAD_LIMIT,
    uploadIdleTimeoutSeconds: IDLE_TIMEOUT_SECONDS,
  });
  alice = await registerUser(server.url, 'Alice');
  target = `/api/v1/workspaces/${(await createWorkspace(alice)).id}/files`;
});
afterAll(() => server.close());

const part = (name: string, value: string, filename?: string) =>
  `--pb\r\ncontent-disposition: form-data; name="${name}"` +
  (filename ? `; filename="${filename}"\r\ncontent-type: text/plain` : '') +
  `\r\n\r\n${value}\r\n`;
const end = '--pb--\r\n';
const file = part('file', 'hello', 'a.txt');

function upload(
  body: string,
  {
    contentType = 'multipart/form-data; boundary=pb',
    contentLength = Buffer.byteLength(body),
    abort = false,
  } = {},
): Promise<RawResponse> {
  const headers = { authorization: `Bearer ${alice.token}`, 'content-type': contentType };
  return rawRequest(server.url, httpRequest('POST', target, headers, body, contentLength), {
    abort,
    timeoutMs: ANSWER_WITHIN_MS + 2000,
  });
}

async function storedFiles(): Promise<string[]> {
  const root = path.join(server.dataDir, 'files');
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}
const partials = async () => (await storedFiles()).filter((name) => name.endsWith('.partial'));
const openDescriptors = () => readdirSync('/proc/self/fd').length;
/** Descriptors of this process open on files in the server's data folder: what a leaked upload holds. */
const descriptorsInDataDir = () =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(server.dataDir);
    } catch {
      return false; // closed between the listing and the read
    }
  }).length;

describe('multipart uploads', () => {
  it.each([
    ['a text field before the file', 400, 'note', part('note', 'x') + file + end],
    ['a text field after the file', 400, 'note', file + part('note', 'x') + end],
    ['a text field and no file', 400, 'note', part('note', 'x') + end],
    ['no part at all', 400, 'file', end],
    ['two files', 400, 'file', file + part('file', 'again', 'b.txt') + end],
    ['a body cut short inside the file', 400, '(body)', file.slice(0, -4)],
  ])('answers %s with %i naming %s, keeping nothing', async (_shape, status, field, body) => {
    const before = await storedFiles();
    const response = await upload(body);
    expect(response.status).toBe(status);
    expect(response.elapsedMs).toBeLessThan(ANSWER_WITHIN_MS);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(JSON.parse(response.body).errors).toEqual([expect.objectContaining({ path: field })]);
    expect(await storedFiles()).toEqual(before);
  });

  it('refuses multipart without a boundary, naming the header (400)', async () => {
    const response = await upload(file + end, { contentType: 'multipart/form-data' });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(JSON.parse(response.body).errors).toEqual([expect.objectContaining({ path: 'content-type' })]);
  });

  it('answers 408 when the body stops arriving, and removes the partial file', async () => {
    const response = await upload(part('file', 'first bytes', 'a.txt'), { contentLength: 10_000 });
    expect(response.status).toBe(408);
    expect(response.elapsedMs).toBeGreaterThanOrEqual(IDLE_TIMEOUT_SECONDS * 1000 - 100);
    expect(response.elapsedMs).toBeLessThan(ANSWER_WITHIN_MS);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(await partials()).toEqual([]);
  });

  it('removes the partial file of a client that hangs up mid-body', async () => {
    const body = `--pb\r\ncontent-disposition: form-data; name="file"; filename="a.txt"\r\n\r\n${'x'.repeat(2000)}`;
    await upload(body, { contentLength: 10_000, abort: true });
    await eventually(async () => ((await partials()).length === 0 ? true : undefined), 'no partial file');
  });

  it('still stores a well-formed upload (201)', async () => {
    const response = await upload(file + end);
    expect(response.status).toBe(201);
    expect(JSON.parse(response.body)).toMatchObject({ name: 'a.txt', size: 5 });
  });

  it('refuses a declared length over the limit at once, without reading the body (413)', async () => {
    const response = await upload('', { contentLength: 10 * UPLOAD_LIMIT });
    expect(response.status).toBe(413);
    expect(response.elapsedMs).toBeLessThan(1000);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('holds no descriptor open after rounds of 50 bad uploads', async () => {
    const round = async () => {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          i % 5 === 0
            ? upload(part('file', 'x'.repeat(500), 'a.txt'), { contentLength: 10_000, abort: true })
            : upload(part('note', 'x') + file + end),
        ),
      );
      expect(answers.filter((answer, i) => i % 5 !== 0 && answer.status !== 400)).toEqual([]);
    };
    await round(); // the database pool grows to its size here
    const before = openDescriptors();
    await round();
    await round();
    await eventually(
      async () => (descriptorsInDataDir() === 0 && (await partials()).length === 0 ? true : undefined),
      'no descriptor open on a stored or partial file, and no partial file',
    );
    // Other tests in this worker open and close sockets meanwhile, so the total gets some slack; 100 leaked
    // uploads would be far above it.
    expect(openDescriptors()).toBeLessThanOrEqual(before + 20);
  });
});

describe('start-up', () => {
  it('removes partial files a crash left behind and keeps complete ones', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'jokkaer-orphans-'));
    const workspaceDir = path.join(dataDir, 'files', 'some-workspace');
    await mkdir(workspaceDir, { recursive: true });
    await writeFile(path.join(workspaceDir, 'cut-off.partial'), 'half');
    await writeFile(path.join(workspaceDir, 'complete'), 'whole');
    const restarted = await startTestServer({ dataDir, databaseUrl: server.databaseUrl });
    try {
      expect(await readdir(workspaceDir)).toEqual(['complete']);
    } finally {
      await restarted.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
