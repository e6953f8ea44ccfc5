import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { runCli } from '../fixtures/cli';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { databaseUrl, testDatabaseSettings, withAdminClient } from './support/database';
import { startTestServer, TestServer } from './support/server';

/** `npm run backup` then `npm run restore` into a fresh database and data folder: the same server comes back. */
let source: TestServer;
let restored: TestServer | undefined;
let backupDir: string;
let restoredDataDir: string;
let alice: TestUser;
let bob: TestUser;
let workspaceId: string;
let channelId: string;
let fileId: string;
let rootId: string;
const fileContent = randomBytes(256 * 1024);

/** An empty database (no migrations: the dump brings the schema), dropped with the run's others. */
async function createEmptyDatabase(): Promise<string> {
  const { adminUrl, template } = testDatabaseSettings();
  const name = `${template}_restore_${randomBytes(4).toString('hex')}`;
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  return databaseUrl(adminUrl, name);
}

beforeAll(async () => {
  backupDir = await mkdtemp(path.join(tmpdir(), 'jokkaer-backups-'));
  restoredDataDir = await mkdtemp(path.join(tmpdir(), 'jokkaer-restored-'));
  source = await startTestServer();
  alice = await registerUser(source.url, 'Alice');
  bob = await registerUser(source.url, 'Bob');
  workspaceId = (await createWorkspace(alice)).id;
  await addToWorkspace(alice, workspaceId, bob);
  channelId = (await createChannel(alice, workspaceId, 'private')).id;
  await alice.api.post(`/api/v1/channels/${channelId}/members`, { userId: bob.id });
  const form = new FormData();
  form.append('file', new Blob([fileContent]), 'numbers.bin');
  fileId = (await alice.api.post(`/api/v1/workspaces/${workspaceId}/files`, form)).body.id;
  const root = await postMessage(alice, channelId, 'the quarterly numbers', { fileIds: [fileId] });
  rootId = root.id;
  await postMessage(bob, channelId, 'thanks', { threadId: root.id });
  await postMessage(bob, channelId, 'see you tomorrow');
});
afterAll(async () => {
  await restored?.close();
  await source?.close();
  await rm(backupDir, { recursive: true, force: true });
  await rm(restoredDataDir, { recursive: true, force: true });
});

/** What the API answers each user, for the paths the seeded data shows through. */
async function snapshot(server: TestServer) {
  const answers: Record<string, unknown> = {};
  for (const user of [alice, bob]) {
    const get = async (pathname: string) => {
      const response = await fetch(server.url + pathname, {
        headers: { authorization: `Bearer ${user.token}` },
      });
      expect(response.status).toBe(200);
      return response.json();
    };
    answers[user.displayName] = {
      me: await get('/api/v1/me'),
      workspaces: await get('/api/v1/workspaces'),
      members: await get(`/api/v1/workspaces/${workspaceId}/members`),
      channels: await get(`/api/v1/workspaces/${workspaceId}/channels`),
      messages: await get(`/api/v1/channels/${channelId}/messages`),
      thread: await get(`/api/v1/messages/${rootId}/replies`),
      file: await get(`/api/v1/files/${fileId}`),
    };
  }
  return answers;
}

/** The major versions of this machine's pg_dump and of the test server (pg_dump refuses a newer server). */
async function majorVersions(url: string): Promise<{ tool: number; server: number }> {
  const { stdout } = await promisify(execFile)('pg_dump', ['--version']);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`);
    return { tool: Number(/(\d+)\.\d+/.exec(stdout)?.[1]), server: Math.floor(Number(rows[0].v) / 10_000) };
  } finally {
    await client.end();
  }
}

describe('backup and restore', () => {
  it('restores users, channels, messages and files into a fresh database, the API answering the same', async () => {
    const before = await snapshot(source);
    expect(JSON.stringify(before)).toContain('the quarterly numbers');
    const { tool, server } = await majorVersions(source.databaseUrl);
    if (tool < server) {
      // The embedded PostgreSQL (18) with Debian's client tools (15): no backup can be made here, and the
      // operator is told what to install; the round trip runs against the machine's PostgreSQL.
      const refused = await runCli('backups/backup.js', [], {
        DATABASE_URL: source.databaseUrl,
        DATA_DIR: source.dataDir,
        BACKUP_DIR: backupDir,
      });
      expect(refused.code).toBe(1);
      expect(refused.logs.map((line) => line.msg).join('\n')).toContain(
        `pg_dump ${tool} cannot back up PostgreSQL ${server}: install PostgreSQL ${server}'s client tools`,
      );
      expect(await readdir(backupDir)).toEqual([]);
      return;
    }

    const backup = await runCli('backups/backup.js', [], {
      DATABASE_URL: source.databaseUrl,
      DATA_DIR: source.dataDir,
      BACKUP_DIR: backupDir,
    });
    expect(backup.code).toBe(0);
    const { directory } = backup.logs.find((line) => line.msg === 'backup written')!;
    expect(path.dirname(directory)).toBe(backupDir);
    expect(path.basename(directory)).toMatch(/^jokkaer-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
    expect((await readdir(directory)).sort()).toEqual(['database.dump', 'files', 'manifest.json']);
    expect(JSON.parse(await readFile(path.join(directory, 'manifest.json'), 'utf8'))).toMatchObject({
      format: 1,
      database: 'database.dump',
      files: 'files',
    });

    const target = await createEmptyDatabase();
    const restore = (dataDir: string) =>
      runCli('backups/restore.js', [directory], { DATABASE_URL: target, DATA_DIR: dataDir });
    const restoredRun = await restore(restoredDataDir);
    expect(restoredRun.logs.filter((line) => line.level >= 50 || !line.level)).toEqual([]);
    expect(restoredRun.code).toBe(0);

    // A restore never merges into a database that has data.
    const again = await restore(await mkdtemp(path.join(tmpdir(), 'jokkaer-restored-')));
    expect(again.code).toBe(1);
    expect(again.logs.map((line) => line.msg).join('\n')).toMatch(/the database is not empty/);

    restored = await startTestServer({ databaseUrl: target, dataDir: restoredDataDir });
    // The same sessions work: the tokens were in the dump.
    expect(await snapshot(restored)).toEqual(before);
    const content = await fetch(`${restored.url}/api/v1/files/${fileId}/content`, {
      headers: { authorization: `Bearer ${bob.token}` },
    });
    expect(content.status).toBe(200);
    expect(Buffer.from(await content.arrayBuffer()).equals(fileContent)).toBe(true);

    // And it goes on: a new message in the restored server.
    const posted = await fetch(`${restored.url}/api/v1/channels/${channelId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'back from the backup' }),
    });
    expect(posted.status).toBe(201);
  }, 120_000);

  it('names what is missing when it cannot run', async () => {
    const noTools = await runCli('backups/backup.js', [], {
      DATABASE_URL: source.databaseUrl,
      DATA_DIR: source.dataDir,
      BACKUP_DIR: backupDir,
      PG_BIN_DIR: '/nonexistent',
    });
    expect(noTools.code).toBe(1);
    expect(noTools.logs.map((line) => line.msg).join('\n')).toMatch(/pg_dump not found.*PG_BIN_DIR/);
    // Nothing half-written is left in BACKUP_DIR.
    expect((await readdir(backupDir)).filter((name) => name.endsWith('.partial'))).toEqual([]);

    const notABackup = await runCli('backups/restore.js', [backupDir], { DATABASE_URL: source.databaseUrl });
    expect(notABackup.code).toBe(1);
    expect(notABackup.logs.map((line) => line.msg).join('\n')).toMatch(/is not a backup/);
  });
});
