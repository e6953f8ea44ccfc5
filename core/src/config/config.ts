import path from 'node:path';

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
  /** SESSION_TTL_HOURS, default 720 (30 days) */
  sessionTtlHours: number;
  /** LOGIN_MAX_FAILURES, default 10 failed logins per email and per client address per window */
  loginMaxFailures: number;
  /** LOGIN_WINDOW_SECONDS, default 900 */
  loginWindowSeconds: number;
  /** SHUTDOWN_GRACE_MS, default 10000: how long in-flight requests get on SIGTERM */
  shutdownGraceMs: number;
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

export function loadConfig(env: Env = process.env, overrides: Partial<AppConfig> = {}): AppConfig {
  const config: AppConfig = {
    host: env.HOST || '0.0.0.0',
    port: integer(env, 'PORT', 3000),
    logLevel: env.LOG_LEVEL || 'info',
    databaseUrl: env.DATABASE_URL || undefined,
    dbPoolMax: integer(env, 'DB_POOL_MAX', 10, 1),
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    embeddedPgPort: integer(env, 'EMBEDDED_PG_PORT', 54329, 1),
    migrateOnStart: boolean(env, 'MIGRATE_ON_START', true),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024),
    uploadLimitBytes: integer(env, 'UPLOAD_LIMIT_BYTES', 100 * 1024 * 1024, 1),
    sessionTtlHours: integer(env, 'SESSION_TTL_HOURS', 720, 1),
    loginMaxFailures: integer(env, 'LOGIN_MAX_FAILURES', 10, 1),
    loginWindowSeconds: integer(env, 'LOGIN_WINDOW_SECONDS', 900, 1),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 10_000, 0),
  };
  return { ...config, ...overrides };
}
