import path from 'node:path';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has documented defaults for every setting', () => {
    expect(loadConfig({})).toEqual({
      host: '0.0.0.0',
      port: 3000,
      logLevel: 'info',
      databaseUrl: undefined,
      dbPoolMax: 10,
      dbConnectTimeoutMs: 2000,
      dbAcquireTimeoutMs: 3000,
      dbStatementTimeoutMs: 4000,
      dataDir: path.resolve('.data'),
      embeddedPgPort: 54329,
      migrateOnStart: true,
      bodyLimitBytes: 1024 * 1024,
      uploadLimitBytes: 100 * 1024 * 1024,
      sessionTtlHours: 720,
      loginMaxFailures: 10,
      loginWindowSeconds: 900,
      shutdownGraceMs: 10_000,
      natsUrl: undefined,
      natsSubjectPrefix: 'jokkaer',
      eventPollIntervalMs: 1000,
      resumeMaxEvents: 10_000,
      resumeMaxAgeSeconds: 86_400,
      pingIntervalMs: 30_000,
      awayAfterMs: 300_000,
      maxBufferedBytes: 4 * 1024 * 1024,
      ephemeralDropBytes: 256 * 1024,
      clientFramesPerSecond: 50,
      clientFrameBurst: 200,
      pluginDirs: [],
      pluginFailuresBeforeDisable: 5,
      pluginFailureWindowSeconds: 300,
      egressAllowNetworks: [],
      instanceAdminEmails: [],
      publicUrl: 'http://localhost:3000',
      webhookTimeoutMs: 15_000,
      webhookEndpointConcurrency: 8,
      webhookEndpointRate: 50,
      webhookMaxInFlight: 256,
      webhookDisableAfterHours: 120,
      webhookPollIntervalMs: 1000,
      webhookLogRetentionDays: 30,
      sso: undefined,
      callMaxParticipants: 8,
      callReconnectGraceMs: 20_000,
      stunUrls: [],
      turnUrls: [],
      turnSecret: undefined,
      turnTtlSeconds: 86_400,
      incomingWebhookRatePerMinute: 60,
      incomingWebhookMaxBytes: 256 * 1024,
    });
  });

  it('reads the environment', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://db/jokkaer',
      UPLOAD_LIMIT_BYTES: '1048576',
      MIGRATE_ON_START: 'false',
      DATA_DIR: '/var/lib/jokkaer',
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgres://db/jokkaer',
      uploadLimitBytes: 1048576,
      migrateOnStart: false,
      dataDir: '/var/lib/jokkaer',
    });
  });

  it('refuses malformed values with the variable named', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(
      new ConfigError('PORT must be an integer >= 0, got "eighty"'),
    );
    expect(() => loadConfig({ MIGRATE_ON_START: 'maybe' })).toThrow(/MIGRATE_ON_START/);
    expect(() => loadConfig({ DB_POOL_MAX: '0' })).toThrow(/DB_POOL_MAX/);
  });
});
