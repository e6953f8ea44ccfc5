import cluster from 'node:cluster';
import type { Logger } from 'pino';
import { createLogger, logFailure } from './common/logger';
import { StartupError } from './common/startup-error';
import { superviseWorkers } from './common/worker-supervisor';
import { AppConfig, loadConfig } from './config/config';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  try {
    if (config.workers > 1 && cluster.isPrimary) await superviseWorkers(config, logger);
    else await run(config, logger);
  } catch (error) {
    logFailure(logger, error);
    process.exit(1);
  }
}

async function run(config: AppConfig, logger: Logger): Promise<void> {
  // Tracing starts before the app's modules load (its instrumentations patch them as they do); without
  // OTEL_EXPORTER_OTLP_ENDPOINT the SDK is never loaded.
  const tracing = config.otlpEndpoint
    ? (await import('./tracing/tracing.js')).startTracing(config.otelServiceName)
    : undefined;
  const { createApp } = await import('./app.js');
  const app = await createApp(config, logger);
  await app.listen(config.port, config.host).catch(async (error: unknown) => {
    await app.close();
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new StartupError(
      `PORT ${config.port} is already in use on ${config.host}: stop whatever listens there, or set PORT to a free port`,
    );
  });
  logger.info({ url: `http://${config.host}:${config.port}`, docs: '/api/docs' }, 'Jōkkær is listening');

  // Graceful shutdown: stop accepting, let in-flight requests finish, close the pool (and embedded
  // PostgreSQL); a stuck request cannot hold the process past the grace period.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    logger.flush(); // log lines are written in batches: this one must be out before anything stops
    setTimeout(() => {
      logger.error('shutdown grace period exceeded; exiting');
      process.exit(1);
    }, config.shutdownGraceMs).unref();
    app
      .close()
      .then(() => tracing?.shutdown()) // the last spans are exported, not dropped
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'error during shutdown');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

// Before the logger exists (an invalid environment variable): the message alone.
main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
