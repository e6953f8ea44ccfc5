import { readdirSync, readFileSync } from 'node:fs';
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
      dbUnixSocket: true,
      dataDir: path.resolve('.data'),
      embeddedPgPort: 54329,
      messageMaxDistinctReactions: 50,
      migrateOnStart: true,
      bodyLimitBytes: 1024 * 1024,
      uploadLimitBytes: 100 * 1024 * 1024,
      uploadIdleTimeoutSeconds: 30,
      avatarUploadLimitBytes: 5 * 1024 * 1024,
      fileStorage: 'local',
      s3: undefined,
      backupDir: path.resolve('backups'),
      pgBinDir: undefined,
      sessionTtlHours: 720,
      authCacheMaxTokens: 10_000,
      authCacheTtlSeconds: 60,
      loginMaxFailures: 10,
      loginAddressMaxFailures: 100,
      loginAccountMaxFailures: 50,
      loginKnownClientDays: 30,
      loginWindowSeconds: 900,
      registerMaxPerAddress: 20,
      registerWindowSeconds: 3600,
      apiRateLimitPerToken: 1200,
      apiRateLimitPerAddress: 300,
      apiRateLimitWindowSeconds: 60,
      apiRateLimitFlushMs: 250,
      apiRateLimitMaxKeys: 100_000,
      botChannelPostsPerWindow: 10,
      botChannelPostWindowSeconds: 10,
      shutdownGraceMs: 10_000,
      workers: 1,
      natsUrl: undefined,
      natsSubjectPrefix: 'jokkaer',
      eventPollIntervalMs: 1000,
      resumeMaxEvents: 10_000,
      resumeMaxAgeSeconds: 86_400,
      pingIntervalMs: 30_000,
      awayAfterMs: 300_000,
      maxBufferedBytes: 4 * 1024 * 1024,
      membershipCacheMaxMembers: 200_000,
      membershipCacheTtlSeconds: 60,
      ephemeralDropBytes: 256 * 1024,
      realtimeMaxSocketsPerUser: 20,
      clientFramesPerSecond: 50,
      clientFrameBurst: 200,
      pluginDirs: [],
      pluginCallsInFlight: 4,
      pluginCallsQueued: 200,
      pluginCallsPerSecond: 200,
      pluginLogLinesPerSecond: 20,
      pluginLogLineMaxChars: 2048,
      pluginFailuresBeforeDisable: 5,
      pluginFailureWindowSeconds: 300,
      egressAllowNetworks: [],
      instanceAdminEmails: [],
      corsOrigins: [],
      trustProxy: [],
      auditRetentionDays: 365,
      metricsToken: undefined,
      metricsPort: undefined,
      otlpEndpoint: undefined,
      otelServiceName: 'jokkaer',
      slackRateLimitWindowSeconds: 60,
      slackRateLimitTiers: { 2: 20, 3: 50, 4: 100 },
      slackSocketRefreshSeconds: 3600,
      publicUrl: 'http://localhost:3000',
      pushContact: 'mailto:admin@localhost.invalid',
      pushTtlSeconds: 86_400,
      smtpUrl: undefined,
      smtpFrom: 'Jōkkær <no-reply@localhost>',
      passwordResetTtlMinutes: 60,
      webhookTimeoutMs: 15_000,
      webhookEndpointConcurrency: 8,
      webhookEndpointRate: 50,
      webhookMaxInFlight: 256,
      webhookDisableAfterHours: 120,
      webhookPollIntervalMs: 1000,
      webhookLogRetentionDays: 30,
      scheduledMessagesTickMs: 1000,
      pluginScheduleTickMs: 1000,
      sso: undefined,
      callMaxParticipants: 8,
      callReconnectGraceMs: 20_000,
      stunUrls: [],
      turnUrls: [],
      turnSecret: undefined,
      turnTtlSeconds: 86_400,
      incomingWebhookRatePerMinute: 60,
      incomingWebhookMaxBytes: 256 * 1024,
      importMaxBytes: 2 * 1024 ** 3,
      importMaxUncompressedBytes: 20 * 1024 ** 3,
      importMaxRatio: 100,
      importBatchMessages: 2000,
      importFileHosts: ['files.slack.com'],
      exportPrivate: false,
      exportRetentionHours: 24,
    });
  });

  it('reads the environment', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://db/jokkaer',
      UPLOAD_LIMIT_BYTES: '1048576',
      MIGRATE_ON_START: 'false',
      DATA_DIR: '/var/lib/jokkaer',
      CORS_ORIGINS: 'https://chat.example.com, http://localhost:5173/',
      TRUST_PROXY: '10.0.0.0/8, 127.0.0.1, ::1',
    });
    expect(config).toMatchObject({
      trustProxy: ['10.0.0.0/8', '127.0.0.1', '::1'],
      corsOrigins: ['https://chat.example.com', 'http://localhost:5173'],
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
    for (const notAnOrigin of ['*', 'chat.example.com', 'https://chat.example.com/app']) {
      expect(() => loadConfig({ CORS_ORIGINS: notAnOrigin })).toThrow(/CORS_ORIGINS/);
    }
    for (const notAProxy of ['10.0.0.0/33', 'proxy.local', 'true']) {
      expect(() => loadConfig({ TRUST_PROXY: notAProxy })).toThrow(/TRUST_PROXY/);
    }
    // Without this check a typo would only show when the first reset mail fails.
    expect(() => loadConfig({ SMTP_URL: 'mail.example.com' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ FILE_STORAGE: 'ftp' })).toThrow(/FILE_STORAGE/);
    expect(() => loadConfig({ FILE_STORAGE: 's3' })).toThrow(/S3_BUCKET/);
    expect(() => loadConfig({ S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'id' })).toThrow(/S3_SECRET_ACCESS_KEY/);
    expect(loadConfig({ FILE_STORAGE: 's3', S3_BUCKET: 'jk', S3_FORCE_PATH_STYLE: 'true' }).s3).toEqual({
      endpoint: undefined,
      region: 'us-east-1',
      bucket: 'jk',
      credentials: undefined,
      forcePathStyle: true,
      presignedDownloads: false,
      presignedExpirySeconds: 60,
    });
    expect(loadConfig({ SMTP_URL: 'smtps://u:p@mail.example.com' }).smtpUrl).toBe(
      'smtps://u:p@mail.example.com',
    );
  });
});

describe('the README', () => {
  const root = path.resolve(__dirname, '../../..');
  const ENV_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^(?:PORT|HOST)$/;
  /** Upper-case constants in config.ts that are not environment variables. */
  const NOT_VARIABLES = new Set(['APP_CONFIG']);

  /** Every environment variable the server's code reads: config.ts, and `process.env.X` anywhere in core/src. */
  function variablesReadByCode(): Set<string> {
    const found = new Set<string>();
    const config = readFileSync(path.join(__dirname, 'config.ts'), 'utf8');
    for (const [, name] of config.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)) found.add(name);
    for (const [, name] of config.matchAll(/'([A-Z][A-Z0-9_]*)'/g)) {
      if (ENV_NAME.test(name) && !NOT_VARIABLES.has(name)) found.add(name);
    }
    const sources = readdirSync(path.join(root, 'core/src'), { recursive: true, encoding: 'utf8' }).filter(
      (file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'),
    );
    for (const file of sources) {
      const text = readFileSync(path.join(root, 'core/src', file), 'utf8');
      for (const [, name] of text.matchAll(
        /process\.env(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g,
      )) {
        found.add(name);
      }
    }
    return found;
  }

  /** The variables the README's configuration table documents (every `NAME` in its first column). */
  function variablesInReadme(): Set<string> {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'));
    const table = section.slice(0, section.indexOf('\n\n', section.indexOf('\n|')));
    const found = new Set<string>();
    for (const row of table.split('\n').filter((line) => line.startsWith('|'))) {
      const firstCell = row.split('|')[1];
      for (const [, name] of firstCell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) found.add(name);
    }
    return found;
  }

  it('documents every environment variable the code reads, and no other, in its configuration table', () => {
    const read = variablesReadByCode();
    const documented = variablesInReadme();
    expect(read.size).toBeGreaterThan(30);
    const report = {
      'read by the code but missing from the README table': [...read]
        .filter((n) => !documented.has(n))
        .sort(),
      'in the README table but read nowhere': [...documented].filter((n) => !read.has(n)).sort(),
    };
    expect(report).toEqual({
      'read by the code but missing from the README table': [],
      'in the README table but read nowhere': [],
    });
  });
});
