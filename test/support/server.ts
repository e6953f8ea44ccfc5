import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { createApp } from '../../core/src/app';
import { AppConfig, loadConfig } from '../../core/src/config/config';
import { createTestDatabase } from './database';

export interface TestServer {
  url: string;
  databaseUrl: string;
  dataDir: string;
  app: NestFastifyApplication;
  close(): Promise<void>;
}

/** Boots the real server on 127.0.0.1 with a fresh database; one per test file. A `logger` sees its log. */
export async function startTestServer(
  overrides: Partial<AppConfig> = {},
  logger?: Logger,
): Promise<TestServer> {
  const databaseUrl = overrides.databaseUrl ?? (await createTestDatabase());
  const dataDir = await mkdtemp(path.join(tmpdir(), 'jokkaer-data-'));
  const config = loadConfig(
    {},
    {
      host: '127.0.0.1',
      port: 0,
      logLevel: process.env.TEST_LOG_LEVEL ?? 'silent',
      // Test files register many accounts from 127.0.0.1, far more than a person would.
      registerMaxPerAddress: 1000,
      dataDir,
      databaseUrl,
      ...overrides,
    },
  );
  const app = await createApp(config, logger);
  await app.listen(config.port, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    databaseUrl,
    dataDir,
    app,
    close: async () => {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
