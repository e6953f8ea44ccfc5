import path from 'node:path';
import ipaddr from 'ipaddr.js';

/** Every setting the server reads, with its environment variable and default (documented in README). */
export interface AppConfig {
  /** HOST, default 0.0.0.0 */
  host: string;
  /** PORT, default 3000 */
  port: number;
  /** LOG_LEVEL, default info (pino levels, or silent) */
  logLevel: string;
  /** DATABASE_URL; unset starts an embedded PostgreSQL under DATA_DIR */
  databaseUrl: string | undefined;
  /** DB_POOL_MAX, default 10 */
  dbPoolMax: number;
  /** DB_CONNECT_TIMEOUT_MS, default 2000: opening one connection (TCP and PostgreSQL's handshake) */
  dbConnectTimeoutMs: number;
  /** DB_ACQUIRE_TIMEOUT_MS, default 3000: how long a query waits for a pool connection before 503 */
  dbAcquireTimeoutMs: number;
  /**
   * DB_STATEMENT_TIMEOUT_MS, default 4000: PostgreSQL cancels a statement running longer (0: never); the
   * server also gives up on an unanswered one a second later, so a silent database answers 503, not a hang
   */
  dbStatementTimeoutMs: number;
  /**
   * DB_UNIX_SOCKET, default true: a DATABASE_URL on a loopback address is reached through that PostgreSQL's
   * Unix socket when it has one in /var/run/postgresql or /tmp that takes the same credentials
   */
  dbUnixSocket: boolean;
  /** DATA_DIR, default ./.data (embedded PostgreSQL cluster and local file storage) */
  dataDir: string;
  /** EMBEDDED_PG_PORT, default 54329 (kept off 5432 so it never collides with a system PostgreSQL) */
  embeddedPgPort: number;
  /** MIGRATE_ON_START, default true */
  migrateOnStart: boolean;
  /** BODY_LIMIT_BYTES, default 1 MiB: the largest JSON body accepted */
  bodyLimitBytes: number;
  /** UPLOAD_LIMIT_BYTES, default 100 MiB: the largest file accepted */
  uploadLimitBytes: number;
  /** UPLOAD_IDLE_TIMEOUT_SECONDS, default 30: an upload whose body sends nothing this long is answered 408 */
  uploadIdleTimeoutSeconds: number;
  /** FILE_STORAGE, default local (under DATA_DIR/files), or s3 (the bucket of `s3`) */
  fileStorage: 'local' | 's3';
  /** S3_*: an S3-compatible bucket, required by FILE_STORAGE=s3 (and `npm run files:migrate -- --to s3`) */
  s3: S3Settings | undefined;
  /** BACKUP_DIR, default ./backups: where `npm run backup` writes its timestamped directories */
  backupDir: string;
  /** PG_BIN_DIR: the folder of the pg_dump and pg_restore that backups run; unset, those on PATH */
  pgBinDir: string | undefined;
  /** AVATAR_UPLOAD_LIMIT_BYTES, default 5 MiB: the largest image accepted as an avatar (it is stored resized) */
  avatarUploadLimitBytes: number;
  /** MESSAGE_MAX_DISTINCT_REACTIONS, default 50 (as Mattermost): different emoji one message may carry */
  messageMaxDistinctReactions: number;
  /** SESSION_TTL_HOURS, default 720 (30 days) */
  sessionTtlHours: number;
  /** AUTH_CACHE_MAX_TOKENS, default 10000: tokens each instance keeps resolved in memory (least recently used go) */
  authCacheMaxTokens: number;
  /**
   * AUTH_CACHE_TTL_SECONDS, default 60: the longest a cached token is trusted without a fresh lookup, should a
   * revocation's event be late (the event feed stalled or the database unreachable)
   */
  authCacheTtlSeconds: number;
  /**
   * MEMBERSHIP_CACHE_MAX_MEMBERS, default 200000: channel and workspace memberships each instance keeps in
   * memory, counted when a channel or workspace is loaded (least recently used channels and workspaces go)
   */
  membershipCacheMaxMembers: number;
  /**
   * MEMBERSHIP_CACHE_TTL_SECONDS, default 60: the longest a cached channel or workspace membership is trusted
   * without a fresh load, should a membership event be late (the event feed stalled or the database unreachable)
   */
  membershipCacheTtlSeconds: number;
  /** LOGIN_MAX_FAILURES, default 10 failed logins per email from one client address per window */
  loginMaxFailures: number;
  /** LOGIN_ADDRESS_MAX_FAILURES, default 100 failed logins per client address (over all emails) per window */
  loginAddressMaxFailures: number;
  /**
   * LOGIN_ACCOUNT_MAX_FAILURES, default 50 failed logins per email (over all addresses) per window; past it,
   * only addresses that signed in to the account within LOGIN_KNOWN_CLIENT_DAYS may still try
   */
  loginAccountMaxFailures: number;
  /** LOGIN_KNOWN_CLIENT_DAYS, default 30: how long a successful login keeps its address known to the account */
  loginKnownClientDays: number;
  /** LOGIN_WINDOW_SECONDS, default 900 */
  loginWindowSeconds: number;
  /** REGISTER_MAX_PER_ADDRESS, default 20 accounts per client address per REGISTER_WINDOW_SECONDS (default 3600) */
  registerMaxPerAddress: number;
  registerWindowSeconds: number;
  /** API_RATE_LIMIT_PER_TOKEN, default 1200 requests per token per API_RATE_LIMIT_WINDOW_SECONDS (default 60) */
  apiRateLimitPerToken: number;
  /** API_RATE_LIMIT_PER_ADDRESS, default 300 requests without a token per client address per window */
  apiRateLimitPerAddress: number;
  apiRateLimitWindowSeconds: number;
  /** API_RATE_LIMIT_FLUSH_MS, default 250: how often each instance sends its API request counts to PostgreSQL */
  apiRateLimitFlushMs: number;
  /** API_RATE_LIMIT_MAX_KEYS, default 100000: tokens and addresses each instance remembers counts of */
  apiRateLimitMaxKeys: number;
  /**
   * BOT_CHANNEL_POSTS_PER_WINDOW, default 10 posts by one bot in one channel per BOT_CHANNEL_POST_WINDOW_SECONDS
   * (default 10): about one a second, in bursts (Slack's chat.postMessage limit)
   */
  botChannelPostsPerWindow: number;
  botChannelPostWindowSeconds: number;
  /** SHUTDOWN_GRACE_MS, default 10000: how long in-flight requests get on SIGTERM */
  shutdownGraceMs: number;
  /**
   * SERVER_WORKERS, default 1: server processes sharing the port (one per core uses them all; above 1 needs
   * DATABASE_URL)
   */
  workers: number;
  /** NATS_URL; when set, instances wake each other (and share typing/presence) through NATS, else LISTEN/NOTIFY */
  natsUrl: string | undefined;
  /** NATS_SUBJECT_PREFIX, default jokkaer */
  natsSubjectPrefix: string;
  /** EVENT_POLL_INTERVAL_MS, default 1000: how often the event feed re-reads the table without a wake-up */
  eventPollIntervalMs: number;
  /** REALTIME_RESUME_MAX_EVENTS, default 10000: a resume further back answers resync_required */
  resumeMaxEvents: number;
  /** REALTIME_RESUME_MAX_AGE_SECONDS, default 86400: so does one older than this */
  resumeMaxAgeSeconds: number;
  /** REALTIME_PING_INTERVAL_MS, default 30000: sockets that miss a ping for a whole interval are reaped */
  pingIntervalMs: number;
  /** REALTIME_AWAY_AFTER_MS, default 300000: a user whose sockets are all this idle shows as away */
  awayAfterMs: number;
  /** REALTIME_MAX_BUFFERED_BYTES, default 4 MiB: a socket with more unsent is closed (4008) */
  maxBufferedBytes: number;
  /** REALTIME_EPHEMERAL_DROP_BYTES, default 256 KiB: above this, typing and presence frames are dropped */
  ephemeralDropBytes: number;
  /** REALTIME_MAX_SOCKETS_PER_USER, default 20 open sockets per user on each instance; past it 429 */
  realtimeMaxSocketsPerUser: number;
  /** REALTIME_CLIENT_FRAMES_PER_SECOND (default 50) and REALTIME_CLIENT_FRAME_BURST (default 200): frames a socket may send */
  clientFramesPerSecond: number;
  clientFrameBurst: number;
  /** PLUGIN_DIRS: comma-separated folders of built plugins (each holding plugin.json and plugin.js) */
  pluginDirs: string[];
  /** PLUGIN_FAILURES_BEFORE_DISABLE, default 5 failures within PLUGIN_FAILURE_WINDOW_SECONDS (default 300) */
  pluginFailuresBeforeDisable: number;
  pluginFailureWindowSeconds: number;
  /**
   * PLUGIN_CALLS_IN_FLIGHT (default 4): capability calls (`ctx.users.get`, `ctx.kv.set`, …) run at once per
   * install; PLUGIN_CALLS_QUEUED (default 200) more wait, and further calls are refused with an error.
   * PLUGIN_CALLS_PER_SECOND (default 200): calls started a second per install at most (the rest wait).
   */
  pluginCallsInFlight: number;
  pluginCallsQueued: number;
  pluginCallsPerSecond: number;
  /** PLUGIN_LOG_LINES_PER_SECOND (default 20): log lines per install; more are dropped, then counted in one line */
  pluginLogLinesPerSecond: number;
  /** PLUGIN_LOG_LINE_MAX_CHARS (default 2048): a plugin log message is cut, and its fields left out, beyond this */
  pluginLogLineMaxChars: number;
  /** EGRESS_ALLOW_NETWORKS: CIDRs outbound requests may reach although private (development and tests only) */
  egressAllowNetworks: string[];
  /** INSTANCE_ADMIN_EMAILS: comma-separated accounts that may upload plugin bundles for the whole instance */
  instanceAdminEmails: string[];
  /**
   * TRUST_PROXY: comma-separated addresses or CIDRs of reverse proxies in front of the server. Only a request
   * whose immediate peer is one of them has its client address taken from X-Forwarded-For; none by default.
   */
  trustProxy: string[];
  /** AUDIT_RETENTION_DAYS, default 365: audit log entries older than this are deleted daily */
  auditRetentionDays: number;
  /** CORS_ORIGINS: comma-separated origins (https://chat.example.com) whose pages may call the API; none by default */
  corsOrigins: string[];
  /** PUBLIC_URL, default http://localhost:PORT: how the outside reaches this server (incoming webhook URLs) */
  publicUrl: string;
  /** SMTP_URL (e.g. smtps://user:pass@mail.example.com): where mail is sent from; unset, password reset by email is off */
  smtpUrl: string | undefined;
  /** SMTP_FROM, default `Jōkkær <no-reply@localhost>`: the sender of that mail */
  smtpFrom: string;
  /** PASSWORD_RESET_TTL_MINUTES, default 60: how long a password reset link works (once) */
  passwordResetTtlMinutes: number;
  /** WEBHOOK_TIMEOUT_MS, default 15000: a delivery's whole exchange */
  webhookTimeoutMs: number;
  /** WEBHOOK_ENDPOINT_CONCURRENCY, default 8 deliveries in flight per endpoint and instance */
  webhookEndpointConcurrency: number;
  /** WEBHOOK_ENDPOINT_RATE, default 50 deliveries per second per endpoint and instance */
  webhookEndpointRate: number;
  /** WEBHOOK_MAX_IN_FLIGHT, default 256 deliveries claimed at once by one instance */
  webhookMaxInFlight: number;
  /** WEBHOOK_DISABLE_AFTER_HOURS, default 120 (5 days) of continuous failure */
  webhookDisableAfterHours: number;
  /** WEBHOOK_POLL_INTERVAL_MS, default 1000: how often due retries are looked for */
  webhookPollIntervalMs: number;
  /** WEBHOOK_LOG_RETENTION_DAYS, default 30: finished deliveries and their attempts are kept this long */
  webhookLogRetentionDays: number;
  /** SCHEDULED_MESSAGES_TICK_MS, default 1000: how often due scheduled messages are looked for */
  scheduledMessagesTickMs: number;
  /** PLUGIN_SCHEDULE_TICK_MS, default 1000: how often plugins' due cron schedules are looked for */
  pluginScheduleTickMs: number;
  /** SSO_AUTHORIZATION_URL, SSO_TOKEN_URL, SSO_USERINFO_URL, SSO_CLIENT_ID, SSO_CLIENT_SECRET: SSO login is on when all are set */
  sso:
    | {
        authorizationUrl: string;
        tokenUrl: string;
        userinfoUrl: string;
        clientId: string;
        clientSecret: string;
        scopes: string;
      }
    | undefined;
  /** CALL_MAX_PARTICIPANTS, default 8: a mesh call's size limit (every peer sends to every other) */
  callMaxParticipants: number;
  /** CALL_RECONNECT_GRACE_MS, default 20000: a participant with no realtime socket for this long leaves the call */
  callReconnectGraceMs: number;
  /** STUN_URLS: comma-separated STUN servers given to call peers (none by default: host candidates only) */
  stunUrls: string[];
  /** TURN_URLS and TURN_SECRET: TURN servers with coturn's use-auth-secret (time-limited credentials) */
  turnUrls: string[];
  turnSecret: string | undefined;
  /** TURN_TTL_SECONDS, default 86400: how long issued TURN credentials work */
  turnTtlSeconds: number;
  /** PUSH_CONTACT, default PUBLIC_URL when https: who runs this server, for push services (VAPID `sub`) */
  pushContact: string;
  /** PUSH_TTL_SECONDS, default 86400: how long a push service keeps a notification for an offline browser */
  pushTtlSeconds: number;
  /** INCOMING_WEBHOOK_RATE_PER_MINUTE, default 60 posts per hook */
  incomingWebhookRatePerMinute: number;
  /** INCOMING_WEBHOOK_MAX_BYTES, default 256 KiB: the largest incoming webhook payload */
  incomingWebhookMaxBytes: number;
  /** METRICS_TOKEN: Prometheus scrapes GET /metrics with this bearer token; unset (and no METRICS_PORT), /metrics is off */
  metricsToken: string | undefined;
  /** METRICS_PORT: /metrics on this port of HOST too, without a token (a port only the scraper's network reaches) */
  metricsPort: number | undefined;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: when set, traces go there over OTLP/HTTP (the SDK reads it; unset, tracing is not loaded) */
  otlpEndpoint: string | undefined;
  /** OTEL_SERVICE_NAME, default jokkaer: the traces' service name */
  otelServiceName: string;
  /** IMPORT_MAX_BYTES, default 2 GiB: the largest Slack export zip accepted for import */
  importMaxBytes: number;
  /** IMPORT_MAX_UNCOMPRESSED_BYTES, default 20 GiB: what an export may expand to */
  importMaxUncompressedBytes: number;
  /** IMPORT_MAX_RATIO, default 100: how many times its compressed size an export (or an entry over 1 MiB) may expand */
  importMaxRatio: number;
  /** IMPORT_BATCH_MESSAGES, default 2000: messages written per statement (and per checkpoint) by an import */
  importBatchMessages: number;
  /** IMPORT_FILE_HOSTS, default files.slack.com: the only hosts an import sends its download token to, for files */
  importFileHosts: string[];
  /** EXPORT_PRIVATE, default false: workspace exports include private channels and direct messages */
  exportPrivate: boolean;
  /** EXPORT_RETENTION_HOURS, default 24: how long a finished export's zip is kept for download */
  exportRetentionHours: number;
  /** SLACK_RATE_LIMIT_WINDOW_SECONDS, default 60: the window of the Slack Web API's per-method tiers */
  slackRateLimitWindowSeconds: number;
  /**
   * SLACK_RATE_LIMIT_TIER2, _TIER3, _TIER4, default 20, 50, 100: calls per token and method per window, by the
   * method's tier as Slack documents it
   */
  slackRateLimitTiers: { 2: number; 3: number; 4: number };
  /**
   * SLACK_SOCKET_REFRESH_SECONDS, default 3600: how long a Socket Mode connection lasts before the server asks
   * the app to reconnect (`disconnect`, reason `refresh_requested`)
   */
  slackSocketRefreshSeconds: number;
}

export interface S3Settings {
  /** S3_ENDPOINT: an S3-compatible service's URL (MinIO, R2, …); unset, AWS's for the region */
  endpoint: string | undefined;
  /** S3_REGION, default us-east-1 */
  region: string;
  /** S3_BUCKET */
  bucket: string;
  /** S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY; unset, the AWS SDK's own chain (AWS_* variables, instance role) */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** S3_FORCE_PATH_STYLE, default false: bucket in the path (most self-hosted services), not the host name */
  forcePathStyle: boolean;
  /** S3_PRESIGNED_DOWNLOADS, default false: downloads redirect to a presigned URL of the bucket */
  presignedDownloads: boolean;
  /** S3_PRESIGNED_EXPIRY_SECONDS, default 60: how long such a URL works */
  presignedExpirySeconds: number;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

/** An origin exactly as browsers send it (scheme, host, port), so it compares equal to their Origin header. */
function origin(raw: string): string {
  const parsed = URL.canParse(raw) ? new URL(raw) : undefined;
  if (!parsed || parsed.origin === 'null' || parsed.origin !== raw.replace(/\/$/, '')) {
    throw new ConfigError(`CORS_ORIGINS must list origins such as https://chat.example.com, got "${raw}"`);
  }
  return parsed.origin;
}

/** An address or a CIDR, checked here so a typo stops the server at start rather than trusting nobody. */
function proxy(raw: string): string {
  if (!ipaddr.isValid(raw) && !ipaddr.isValidCIDR(raw)) {
    throw new ConfigError(`TRUST_PROXY must list addresses or CIDRs such as 10.0.0.0/8, got "${raw}"`);
  }
  return raw;
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function smtpUrl(env: Env): string | undefined {
  const raw = env.SMTP_URL;
  if (!raw) return undefined;
  if (!/^smtps?:\/\/[^/]/.test(raw)) {
    throw new ConfigError('SMTP_URL must be an smtp:// or smtps:// URL (smtp://user:pass@host:587)');
  }
  return raw;
}

function fileStorage(env: Env): AppConfig['fileStorage'] {
  const raw = env.FILE_STORAGE || 'local';
  if (raw !== 'local' && raw !== 's3')
    throw new ConfigError(`FILE_STORAGE must be local or s3, got "${raw}"`);
  if (raw === 's3' && !env.S3_BUCKET) throw new ConfigError('FILE_STORAGE=s3 needs S3_BUCKET');
  return raw;
}

function s3Settings(env: Env): S3Settings | undefined {
  if (!env.S3_BUCKET) return undefined;
  if (env.S3_ENDPOINT && !/^https?:\/\/[^/]/.test(env.S3_ENDPOINT)) {
    throw new ConfigError(`S3_ENDPOINT must be an http:// or https:// URL, got "${env.S3_ENDPOINT}"`);
  }
  if (!env.S3_ACCESS_KEY_ID !== !env.S3_SECRET_ACCESS_KEY) {
    throw new ConfigError('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together');
  }
  return {
    endpoint: env.S3_ENDPOINT || undefined,
    region: env.S3_REGION || 'us-east-1',
    bucket: env.S3_BUCKET,
    credentials: env.S3_ACCESS_KEY_ID
      ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY! }
      : undefined,
    forcePathStyle: boolean(env, 'S3_FORCE_PATH_STYLE', false),
    presignedDownloads: boolean(env, 'S3_PRESIGNED_DOWNLOADS', false),
    presignedExpirySeconds: integer(env, 'S3_PRESIGNED_EXPIRY_SECONDS', 60, 1),
  };
}

/** SSO_SCOPES defaults to `openid email profile`. */
function ssoSettings(env: Env): AppConfig['sso'] {
  const names = [
    'SSO_AUTHORIZATION_URL',
    'SSO_TOKEN_URL',
    'SSO_USERINFO_URL',
    'SSO_CLIENT_ID',
    'SSO_CLIENT_SECRET',
  ];
  const set = names.filter((name) => env[name]);
  if (set.length === 0) return undefined;
  if (set.length < names.length) {
    throw new ConfigError(
      `SSO needs all of ${names.join(', ')}; missing ${names.filter((n) => !env[n]).join(', ')}`,
    );
  }
  return {
    authorizationUrl: env.SSO_AUTHORIZATION_URL!,
    tokenUrl: env.SSO_TOKEN_URL!,
    userinfoUrl: env.SSO_USERINFO_URL!,
    clientId: env.SSO_CLIENT_ID!,
    clientSecret: env.SSO_CLIENT_SECRET!,
    scopes: env.SSO_SCOPES || 'openid email profile',
  };
}

export function loadConfig(env: Env = process.env, overrides: Partial<AppConfig> = {}): AppConfig {
  const config: AppConfig = {
    host: env.HOST || '0.0.0.0',
    port: integer(env, 'PORT', 3000),
    logLevel: env.LOG_LEVEL || 'info',
    databaseUrl: env.DATABASE_URL || undefined,
    dbPoolMax: integer(env, 'DB_POOL_MAX', 10, 1),
    metricsToken: env.METRICS_TOKEN || undefined,
    metricsPort: env.METRICS_PORT ? integer(env, 'METRICS_PORT', 0, 1) : undefined,
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
    otelServiceName: env.OTEL_SERVICE_NAME || 'jokkaer',
    dbConnectTimeoutMs: integer(env, 'DB_CONNECT_TIMEOUT_MS', 2000, 1),
    dbAcquireTimeoutMs: integer(env, 'DB_ACQUIRE_TIMEOUT_MS', 3000, 1),
    dbStatementTimeoutMs: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 4000, 0),
    dbUnixSocket: boolean(env, 'DB_UNIX_SOCKET', true),
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    embeddedPgPort: integer(env, 'EMBEDDED_PG_PORT', 54329, 1),
    migrateOnStart: boolean(env, 'MIGRATE_ON_START', true),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024),
    uploadLimitBytes: integer(env, 'UPLOAD_LIMIT_BYTES', 100 * 1024 * 1024, 1),
    uploadIdleTimeoutSeconds: integer(env, 'UPLOAD_IDLE_TIMEOUT_SECONDS', 30, 1),
    fileStorage: fileStorage(env),
    s3: s3Settings(env),
    backupDir: path.resolve(env.BACKUP_DIR || 'backups'),
    pgBinDir: env.PG_BIN_DIR || undefined,
    avatarUploadLimitBytes: integer(env, 'AVATAR_UPLOAD_LIMIT_BYTES', 5 * 1024 * 1024, 1),
    messageMaxDistinctReactions: integer(env, 'MESSAGE_MAX_DISTINCT_REACTIONS', 50, 1),
    sessionTtlHours: integer(env, 'SESSION_TTL_HOURS', 720, 1),
    authCacheMaxTokens: integer(env, 'AUTH_CACHE_MAX_TOKENS', 10_000, 1),
    authCacheTtlSeconds: integer(env, 'AUTH_CACHE_TTL_SECONDS', 60, 1),
    membershipCacheMaxMembers: integer(env, 'MEMBERSHIP_CACHE_MAX_MEMBERS', 200_000, 1),
    membershipCacheTtlSeconds: integer(env, 'MEMBERSHIP_CACHE_TTL_SECONDS', 60, 1),
    loginMaxFailures: integer(env, 'LOGIN_MAX_FAILURES', 10, 1),
    loginAddressMaxFailures: integer(env, 'LOGIN_ADDRESS_MAX_FAILURES', 100, 1),
    loginAccountMaxFailures: integer(env, 'LOGIN_ACCOUNT_MAX_FAILURES', 50, 1),
    loginKnownClientDays: integer(env, 'LOGIN_KNOWN_CLIENT_DAYS', 30, 1),
    loginWindowSeconds: integer(env, 'LOGIN_WINDOW_SECONDS', 900, 1),
    registerMaxPerAddress: integer(env, 'REGISTER_MAX_PER_ADDRESS', 20, 1),
    registerWindowSeconds: integer(env, 'REGISTER_WINDOW_SECONDS', 3600, 1),
    apiRateLimitPerToken: integer(env, 'API_RATE_LIMIT_PER_TOKEN', 1200, 1),
    apiRateLimitPerAddress: integer(env, 'API_RATE_LIMIT_PER_ADDRESS', 300, 1),
    apiRateLimitWindowSeconds: integer(env, 'API_RATE_LIMIT_WINDOW_SECONDS', 60, 1),
    apiRateLimitFlushMs: integer(env, 'API_RATE_LIMIT_FLUSH_MS', 250, 1),
    apiRateLimitMaxKeys: integer(env, 'API_RATE_LIMIT_MAX_KEYS', 100_000, 1),
    botChannelPostsPerWindow: integer(env, 'BOT_CHANNEL_POSTS_PER_WINDOW', 10, 1),
    botChannelPostWindowSeconds: integer(env, 'BOT_CHANNEL_POST_WINDOW_SECONDS', 10, 1),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 10_000, 0),
    workers: integer(env, 'SERVER_WORKERS', 1, 1),
    natsUrl: env.NATS_URL || undefined,
    natsSubjectPrefix: env.NATS_SUBJECT_PREFIX || 'jokkaer',
    eventPollIntervalMs: integer(env, 'EVENT_POLL_INTERVAL_MS', 1000, 10),
    resumeMaxEvents: integer(env, 'REALTIME_RESUME_MAX_EVENTS', 10_000, 1),
    resumeMaxAgeSeconds: integer(env, 'REALTIME_RESUME_MAX_AGE_SECONDS', 86_400, 1),
    pingIntervalMs: integer(env, 'REALTIME_PING_INTERVAL_MS', 30_000, 100),
    awayAfterMs: integer(env, 'REALTIME_AWAY_AFTER_MS', 300_000, 100),
    maxBufferedBytes: integer(env, 'REALTIME_MAX_BUFFERED_BYTES', 4 * 1024 * 1024, 1024),
    ephemeralDropBytes: integer(env, 'REALTIME_EPHEMERAL_DROP_BYTES', 256 * 1024, 0),
    realtimeMaxSocketsPerUser: integer(env, 'REALTIME_MAX_SOCKETS_PER_USER', 20, 1),
    clientFramesPerSecond: integer(env, 'REALTIME_CLIENT_FRAMES_PER_SECOND', 50, 1),
    clientFrameBurst: integer(env, 'REALTIME_CLIENT_FRAME_BURST', 200, 1),
    pluginDirs: list(env.PLUGIN_DIRS).map((dir) => path.resolve(dir)),
    pluginFailuresBeforeDisable: integer(env, 'PLUGIN_FAILURES_BEFORE_DISABLE', 5, 1),
    pluginFailureWindowSeconds: integer(env, 'PLUGIN_FAILURE_WINDOW_SECONDS', 300, 1),
    pluginCallsInFlight: integer(env, 'PLUGIN_CALLS_IN_FLIGHT', 4, 1),
    pluginCallsQueued: integer(env, 'PLUGIN_CALLS_QUEUED', 200, 0),
    pluginCallsPerSecond: integer(env, 'PLUGIN_CALLS_PER_SECOND', 200, 1),
    pluginLogLinesPerSecond: integer(env, 'PLUGIN_LOG_LINES_PER_SECOND', 20, 1),
    pluginLogLineMaxChars: integer(env, 'PLUGIN_LOG_LINE_MAX_CHARS', 2048, 80),
    egressAllowNetworks: list(env.EGRESS_ALLOW_NETWORKS),
    instanceAdminEmails: list(env.INSTANCE_ADMIN_EMAILS).map((email) => email.toLowerCase()),
    corsOrigins: list(env.CORS_ORIGINS).map(origin),
    trustProxy: list(env.TRUST_PROXY).map(proxy),
    auditRetentionDays: integer(env, 'AUDIT_RETENTION_DAYS', 365, 1),
    publicUrl: (env.PUBLIC_URL || `http://localhost:${integer(env, 'PORT', 3000)}`).replace(/\/+$/, ''),
    smtpUrl: smtpUrl(env),
    smtpFrom: env.SMTP_FROM || 'Jōkkær <no-reply@localhost>',
    passwordResetTtlMinutes: integer(env, 'PASSWORD_RESET_TTL_MINUTES', 60, 1),
    webhookTimeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 15_000, 100),
    webhookEndpointConcurrency: integer(env, 'WEBHOOK_ENDPOINT_CONCURRENCY', 8, 1),
    webhookEndpointRate: integer(env, 'WEBHOOK_ENDPOINT_RATE', 50, 1),
    webhookMaxInFlight: integer(env, 'WEBHOOK_MAX_IN_FLIGHT', 256, 1),
    webhookDisableAfterHours: integer(env, 'WEBHOOK_DISABLE_AFTER_HOURS', 120, 1),
    webhookPollIntervalMs: integer(env, 'WEBHOOK_POLL_INTERVAL_MS', 1000, 10),
    webhookLogRetentionDays: integer(env, 'WEBHOOK_LOG_RETENTION_DAYS', 30, 1),
    scheduledMessagesTickMs: integer(env, 'SCHEDULED_MESSAGES_TICK_MS', 1000, 10),
    pluginScheduleTickMs: integer(env, 'PLUGIN_SCHEDULE_TICK_MS', 1000, 10),
    sso: ssoSettings(env),
    callMaxParticipants: integer(env, 'CALL_MAX_PARTICIPANTS', 8, 2),
    callReconnectGraceMs: integer(env, 'CALL_RECONNECT_GRACE_MS', 20_000, 100),
    stunUrls: list(env.STUN_URLS),
    turnUrls: list(env.TURN_URLS),
    turnSecret: env.TURN_SECRET || undefined,
    turnTtlSeconds: integer(env, 'TURN_TTL_SECONDS', 86_400, 60),
    pushContact: env.PUSH_CONTACT || pushContactFrom(env.PUBLIC_URL),
    pushTtlSeconds: integer(env, 'PUSH_TTL_SECONDS', 86_400, 0),
    incomingWebhookRatePerMinute: integer(env, 'INCOMING_WEBHOOK_RATE_PER_MINUTE', 60, 1),
    incomingWebhookMaxBytes: integer(env, 'INCOMING_WEBHOOK_MAX_BYTES', 256 * 1024, 1024),
    importMaxBytes: integer(env, 'IMPORT_MAX_BYTES', 2 * 1024 ** 3, 1),
    importMaxUncompressedBytes: integer(env, 'IMPORT_MAX_UNCOMPRESSED_BYTES', 20 * 1024 ** 3, 1),
    importMaxRatio: integer(env, 'IMPORT_MAX_RATIO', 100, 2),
    importBatchMessages: integer(env, 'IMPORT_BATCH_MESSAGES', 2000, 1),
    importFileHosts: env.IMPORT_FILE_HOSTS === undefined ? ['files.slack.com'] : list(env.IMPORT_FILE_HOSTS),
    exportPrivate: boolean(env, 'EXPORT_PRIVATE', false),
    exportRetentionHours: integer(env, 'EXPORT_RETENTION_HOURS', 24, 1),
    slackRateLimitWindowSeconds: integer(env, 'SLACK_RATE_LIMIT_WINDOW_SECONDS', 60, 1),
    slackRateLimitTiers: {
      2: integer(env, 'SLACK_RATE_LIMIT_TIER2', 20, 1),
      3: integer(env, 'SLACK_RATE_LIMIT_TIER3', 50, 1),
      4: integer(env, 'SLACK_RATE_LIMIT_TIER4', 100, 1),
    },
    slackSocketRefreshSeconds: integer(env, 'SLACK_SOCKET_REFRESH_SECONDS', 3600, 1),
  };
  return { ...config, ...overrides };
}

/** The server's own https: address when it has one; push services accept no other http: URL as a contact. */
function pushContactFrom(publicUrl: string | undefined): string {
  return publicUrl?.startsWith('https://') ? publicUrl.replace(/\/+$/, '') : 'mailto:admin@localhost.invalid';
}
