import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  createTestHost,
  type TestFetchRequest,
  type TestFetchResponse,
  type TestHost,
  type TestHostOptions,
} from '@jokkaer/sdk-plugin/testing';
import { MAX_ATTEMPTS, type Mirrored, type Pending } from './store';

const manifestPath = path.join(__dirname, 'plugin.json');
const CHANNEL = randomUUID();
const DAV = 'http://dav.example.test/remote.php/dav/files/bot';
const MINUTE = 60_000;
const webdav = {
  backend: 'webdav',
  channels: [CHANNEL],
  webdavUrl: DAV,
  webdavUsername: 'bot',
  webdavPassword: 'pässword',
};
/** Bytes that are not valid UTF-8, so a text round trip would change them. */
const BYTES = Buffer.from([0, 255, 254, 10, 13, 0x80, 0xc3, 0x28, ...Buffer.from('report body')]);

let host: TestHost;
let requests: TestFetchRequest[];
let answer: (request: TestFetchRequest) => TestFetchResponse;
const start = async (options: Partial<TestHostOptions> = {}) => {
  requests = [];
  answer = () => ({ status: 201 });
  host = await createTestHost({
    entry: path.join(__dirname, 'index.ts'),
    manifest: manifestPath,
    settings: webdav,
    allowedHosts: ['dav.example.test'],
    fetch: (request) => {
      requests.push(request);
      return answer(request);
    },
    ...options,
  });
  return host;
};
afterEach(() => host?.dispose());

/** Shares a file in a message, as the server delivers it. */
const share = (name = 'Q3 Report.pdf', content: Uint8Array = BYTES, channelId = CHANNEL) => {
  const file = host.makeFile({ name, content, contentType: 'application/pdf' });
  const message = host.makeMessage({ channelId, text: '', files: [file] });
  return { file, message, dispatch: () => host.dispatchEvent('message.created', message) };
};
const find = async (args: string) => {
  const result = await host.runCommand('/files', { args });
  if (!result.ok) throw new Error(result.message);
  return result.value as { responseType: string; text: string };
};
const index = () => (host.kv.get('index')?.value ?? []) as Mirrored[];
const queued = () => [...host.kv.keys()].filter((key) => key.startsWith('retry:'));

describe('mirroring to WebDAV', () => {
  it('PUTs the exact bytes with Basic auth under <prefix>/<channel>/<id>-<name>, and /files find lists it', async () => {
    await start();
    const { file, dispatch } = share();
    expect(await dispatch()).toMatchObject({ ok: true });
    const link = `${DAV}/jokkaer/${CHANNEL}/${file.id}-Q3%20Report.pdf`;
    expect(requests).toEqual([
      {
        url: link,
        method: 'PUT',
        headers: {
          authorization: `Basic ${Buffer.from('bot:pässword').toString('base64')}`,
          'content-type': 'application/pdf',
        },
        body: undefined,
        bodyBytes: BYTES,
      },
    ]);
    expect(index()).toEqual([
      { id: file.id, name: 'Q3 Report.pdf', size: BYTES.length, link, channelId: CHANNEL, at: host.now() },
    ]);
    const found = await find('find report');
    expect(found.responseType).toBe('ephemeral');
    expect(found.text).toContain(`*Q3 Report.pdf* (${BYTES.length} B, `);
    expect(found.text).toContain(link);
    expect((await find('find invoice')).text).toBe('No copied file matches “invoice”.');
    for (const args of ['', 'find', 'list report'])
      expect((await find(args)).text).toMatch(/^`\/files find <name>`/);
  });

  it('uploads a file once however often its event arrives', async () => {
    await start();
    const { dispatch } = share();
    await dispatch();
    await dispatch();
    expect(requests).toHaveLength(1);
    expect(index()).toHaveLength(1);
  });

  it('copies only from the chosen channels, and nothing by default', async () => {
    await start();
    await share('a.txt', BYTES, randomUUID()).dispatch();
    expect(requests).toEqual([]);
    host.dispose();
    await start({ settings: { ...webdav, channels: undefined } });
    await share().dispatch();
    expect(requests).toEqual([]);
  });

  it('creates missing parent collections with MKCOL when the PUT answers 409', async () => {
    await start();
    const existing = new Set([`${DAV}/jokkaer/`]);
    answer = (request) => {
      if (request.method === 'MKCOL') {
        if (existing.has(request.url)) return { status: 405 };
        existing.add(request.url);
        return { status: 201 };
      }
      return { status: existing.has(`${DAV}/jokkaer/${CHANNEL}/`) ? 204 : 409 };
    };
    expect(await share().dispatch()).toMatchObject({ ok: true });
    expect(requests.map((request) => `${request.method} ${request.url.slice(DAV.length)}`)).toEqual([
      expect.stringMatching(/^PUT \/jokkaer\//),
      'MKCOL /jokkaer/',
      `MKCOL /jokkaer/${CHANNEL}/`,
      expect.stringMatching(/^PUT \/jokkaer\//),
    ]);
    expect(requests[1].headers.authorization).toMatch(/^Basic /);
  });

  it('skips files the bot may not see', async () => {
    await start();
    const stranger = { ...host.makeFile({ name: 'x', content: 'x' }), id: randomUUID() };
    const message = host.makeMessage({ channelId: CHANNEL, files: [stranger] });
    expect(await host.dispatchEvent('message.created', message)).toMatchObject({ ok: true });
    expect(requests).toEqual([]);
    expect(host.logs).toEqual([expect.objectContaining({ level: 'warn', fields: { fileId: stranger.id } })]);
  });
});

describe('failures', () => {
  it('fails the event on 507, then retries from the queue with backoff until it succeeds', async () => {
    await start();
    answer = () => ({ status: 507 });
    const { file, dispatch } = share();
    const failed = await dispatch();
    expect(failed).toMatchObject({ ok: false, code: 'error' });
    expect(failed.ok || failed.message).toContain(
      'Q3 Report.pdf: WebDAV PUT answered 507 Insufficient Storage',
    );
    expect(host.kv.get(`retry:${file.id}`)?.value).toMatchObject({
      attempts: 1,
      nextAt: host.now() + MINUTE,
    });

    expect(await host.runSchedule('retry')).toMatchObject({ ok: true }); // not due yet
    expect(requests).toHaveLength(1);
    host.advanceTime(MINUTE);
    expect(await host.runSchedule('retry')).toMatchObject({
      ok: false,
      message: expect.stringContaining('attempt 2'),
    });
    expect(host.kv.get(`retry:${file.id}`)?.value).toMatchObject({
      attempts: 2,
      nextAt: host.now() + 2 * MINUTE,
    });

    answer = () => ({ status: 201 });
    host.advanceTime(2 * MINUTE);
    expect(await host.runSchedule('retry')).toMatchObject({ ok: true });
    expect(requests).toHaveLength(3);
    expect(requests[2].bodyBytes).toEqual(BYTES);
    expect(queued()).toEqual([]);
    expect(index().map((record) => record.id)).toEqual([file.id]);
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts and says so in the channel`, async () => {
    await start();
    answer = () => ({ status: 503 });
    const { file, dispatch } = share();
    await dispatch();
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      const pending = host.kv.get(`retry:${file.id}`)?.value as Pending;
      host.advanceTime(pending.nextAt - host.now());
      expect(await host.runSchedule('retry')).toMatchObject({ ok: false });
    }
    expect(requests).toHaveLength(MAX_ATTEMPTS);
    expect(queued()).toEqual([]);
    expect(host.posted).toEqual([
      expect.objectContaining({
        channelId: CHANNEL,
        text: expect.stringMatching(
          /^⚠️ Could not copy \*Q3 Report\.pdf\* to storage after 6 attempts: WebDAV PUT answered 503/,
        ),
      }),
    ]);
  });

  it('refuses a file over files.maxBytes without queueing it, since retrying cannot help', async () => {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.permissions.files.maxBytes = 10;
    await start({ manifest });
    const result = await share().dispatch();
    expect(result.ok || result.message).toContain(
      `the file is ${BYTES.length} bytes, more than the 10 bytes permissions.files.maxBytes allows`,
    );
    expect(requests).toEqual([]);
    expect(queued()).toEqual([]);
  });

  it('refuses settings that fail the schema, naming the field', async () => {
    await expect(start({ settings: { backend: 'webdav', channels: [CHANNEL] } })).rejects.toThrow(
      /webdavUrl: is required/,
    );
    await expect(start({ settings: { backend: 'ftp' } })).rejects.toThrow(/backend/);
    await expect(start({ settings: { backend: 's3', s3Bucket: 'b' } })).rejects.toThrow(/s3Bucket/);
  });
});

describe('mirroring to S3', () => {
  const s3 = {
    backend: 's3',
    channels: [CHANNEL],
    s3Region: 'eu-north-1',
    s3Bucket: 'team-files',
    s3AccessKeyId: 'AKIDEXAMPLE',
    s3SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  };

  it('PUTs a signed object to the bucket on AWS, a manifest host', async () => {
    await start({ settings: s3, allowedHosts: [], startTime: Date.UTC(2026, 10, 27, 10, 0, 5) });
    const { file, dispatch } = share();
    expect(await dispatch()).toMatchObject({ ok: true });
    const [request] = requests;
    expect(request.url).toBe(
      `https://team-files.s3.eu-north-1.amazonaws.com/jokkaer/${CHANNEL}/${file.id}-Q3%20Report.pdf`,
    );
    expect(request.bodyBytes).toEqual(BYTES);
    expect(request.headers).toEqual({
      'content-type': 'application/pdf',
      'x-amz-content-sha256': createHash('sha256').update(BYTES).digest('hex'),
      'x-amz-date': '20261127T100005Z',
      authorization: expect.stringMatching(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261127\/eu-north-1\/s3\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
      ),
    });
    expect((await find('find q3')).text).toContain(request.url);
  });

  it('addresses a self-hosted endpoint path-style, and reports the S3 error code', async () => {
    await start({
      settings: { ...s3, s3Endpoint: 'http://minio.example.test:9000', s3PathStyle: true },
      allowedHosts: ['minio.example.test'],
    });
    answer = () => ({ status: 403, body: '<Error><Code>SignatureDoesNotMatch</Code></Error>' });
    const { file, dispatch } = share();
    const result = await dispatch();
    expect(requests[0].url).toBe(
      `http://minio.example.test:9000/team-files/jokkaer/${CHANNEL}/${file.id}-Q3%20Report.pdf`,
    );
    expect(result.ok || result.message).toContain('S3 PUT answered 403 Forbidden (SignatureDoesNotMatch)');
  });
});
