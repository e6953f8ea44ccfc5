import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { runCli } from '../fixtures/cli';
import { createWorkspace, registerUser, TestUser } from '../fixtures/factories';
import { startS3Server, S3TestServer } from '../fixtures/s3-server';
import { startTestServer, TestServer } from './support/server';

/** `npm run files:migrate -- --to s3|local`, the built command, between a data folder and s3rver. */
let s3: S3TestServer;
let local: TestServer;
let alice: TestUser;
const uploaded: { id: string; key: string; content: Buffer }[] = [];

beforeAll(async () => {
  s3 = await startS3Server();
  local = await startTestServer();
  alice = await registerUser(local.url, 'Alice');
  const workspaceId = (await createWorkspace(alice)).id;
  // One file above the 5 MiB part size, so the copy to S3 goes as a multipart upload too.
  for (const size of [10, 70_000, 6 * 1024 * 1024]) {
    const content = randomBytes(size);
    const form = new FormData();
    form.append('file', new Blob([content]), `file-${size}.bin`);
    const response = await alice.api.post(`/api/v1/workspaces/${workspaceId}/files`, form);
    expect(response.status).toBe(201);
    uploaded.push({ id: response.body.id, key: `${workspaceId}/${response.body.id}`, content });
  }
});
afterAll(async () => {
  await local?.close();
  await s3?.close();
});

function migrate(to: string) {
  const { settings } = s3;
  return runCli('files/files-migrate.js', ['--to', to], {
    DATABASE_URL: local.databaseUrl,
    DATA_DIR: local.dataDir,
    S3_ENDPOINT: settings.endpoint,
    S3_BUCKET: settings.bucket,
    S3_ACCESS_KEY_ID: settings.credentials!.accessKeyId,
    S3_SECRET_ACCESS_KEY: settings.credentials!.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
  });
}

async function outcome(to: string) {
  const run = await migrate(to);
  expect(run.code).toBe(0);
  const { copied, present, missing } = run.logs.find((line) => line.msg === 'files migrated')!;
  return { copied, present, missing };
}

/** Every uploaded file, downloaded from `server`, is byte-identical. */
async function expectServedByteIdentical(server: TestServer) {
  for (const file of uploaded) {
    const content = await fetch(`${server.url}/api/v1/files/${file.id}/content`, {
      headers: { authorization: `Bearer ${alice.token}` },
    });
    expect(content.status).toBe(200);
    expect(Buffer.from(await content.arrayBuffer()).equals(file.content)).toBe(true);
  }
}

describe('files:migrate', () => {
  it('copies every file to S3, idempotently and resumably, and the S3 server serves them', async () => {
    expect(await outcome('s3')).toEqual({ copied: 3, present: 0, missing: [] });
    for (const file of uploaded) expect(await s3.size(file.key)).toBe(file.content.length);

    // Run again: nothing to do. Lose one object (as a run cut short would): only that one is copied.
    expect(await outcome('s3')).toEqual({ copied: 0, present: 3, missing: [] });
    await s3.client.send(new DeleteObjectCommand({ Bucket: s3.settings.bucket, Key: uploaded[2].key }));
    expect(await outcome('s3')).toEqual({ copied: 1, present: 2, missing: [] });

    const onS3 = await startTestServer({
      databaseUrl: local.databaseUrl,
      fileStorage: 's3',
      s3: s3.settings,
    });
    try {
      await expectServedByteIdentical(onS3);
    } finally {
      await onS3.close();
    }
  }, 60_000);

  it('copies them back to local disk', async () => {
    await rm(`${local.dataDir}/files`, { recursive: true });
    expect(await outcome('local')).toEqual({ copied: 3, present: 0, missing: [] });
    await expectServedByteIdentical(local);
  }, 60_000);

  it('names the files the source lacks and exits 1', async () => {
    await rm(`${local.dataDir}/files`, { recursive: true });
    await s3.client.send(new DeleteObjectCommand({ Bucket: s3.settings.bucket, Key: uploaded[0].key }));
    const run = await migrate('local');
    expect(run.code).toBe(1);
    expect(run.logs.find((line) => line.msg === 'files migrated')).toMatchObject({
      copied: 2,
      missing: [uploaded[0].key],
    });
  }, 60_000);

  it('refuses a missing or unknown target', async () => {
    const run = await migrate('ftp');
    expect(run.code).toBe(1);
    expect(run.logs.map((line) => line.msg).join('\n')).toMatch(/--to s3\|local/);
  });
});
