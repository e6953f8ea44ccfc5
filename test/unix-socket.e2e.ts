import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { preferUnixSocket } from '../core/src/database/database';
import { testDatabaseSettings } from './support/database';

/**
 * A DATABASE_URL on a loopback address is reached through the Unix socket of the same PostgreSQL when it has one
 * (less CPU per statement than TCP), and only then: another host, no socket, or a socket that does not answer as
 * that server leaves the URL as it is.
 */
const logger = pino({ level: 'silent' });
const SOCKET_DIRECTORIES = ['/var/run/postgresql', '/tmp'];
let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'jk-socket-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const portOf = (url: string) => new URL(url).port || '5432';

async function serverAddress(url: string): Promise<string | null> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ addr: string | null }>('SELECT inet_server_addr()::text AS addr')).rows[0]
      .addr;
  } finally {
    await client.end();
  }
}

describe('the Unix socket of a local PostgreSQL', () => {
  it('is used for the test database when the server has one in a usual directory, and reaches it', async () => {
    const { adminUrl } = testDatabaseSettings();
    const chosen = await preferUnixSocket(adminUrl, 2000, logger);
    const local = ['127.0.0.1', 'localhost'].includes(new URL(adminUrl).hostname);
    const socketDirectory = SOCKET_DIRECTORIES.find((dir) =>
      existsSync(path.join(dir, `.s.PGSQL.${portOf(adminUrl)}`)),
    );
    if (local && socketDirectory) {
      expect(new URL(chosen).searchParams.get('host')).toBe(socketDirectory);
      expect(await serverAddress(chosen)).toBeNull();
    } else {
      expect(chosen).toBe(adminUrl);
    }
  });

  it('leaves other hosts, and loopback ports without a socket, on TCP', async () => {
    const remote = 'postgres://user:secret@db.example.test:5432/jokkaer';
    expect(await preferUnixSocket(remote, 2000, logger, [tmp])).toBe(remote);
    const noSocket = 'postgres://user:secret@127.0.0.1:5999/jokkaer';
    expect(await preferUnixSocket(noSocket, 2000, logger, [tmp])).toBe(noSocket);
  });

  it('stays on TCP when the socket does not answer as the same server', async () => {
    const { adminUrl } = testDatabaseSettings();
    const impostor = net.createServer((connection) => connection.destroy());
    await new Promise<void>((resolve) =>
      impostor.listen(path.join(tmp, `.s.PGSQL.${portOf(adminUrl)}`), resolve),
    );
    try {
      expect(await preferUnixSocket(adminUrl, 2000, logger, [tmp])).toBe(adminUrl);
    } finally {
      await new Promise((resolve) => impostor.close(resolve));
    }
  });
});
