import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config';
import { serveClusterMetrics } from '../metrics/cluster-metrics';
import { StartupError } from './startup-error';

/**
 * SERVER_WORKERS > 1: this process only supervises; each worker is a whole server instance (as several instances
 * behind a proxy are: the database, and NATS or LISTEN/NOTIFY, are what they share), and the listening socket
 * is shared, connections handed out round robin. Node runs JavaScript on one thread, so this is how one
 * machine's cores serve requests and socket deliveries together.
 *
 * The first worker starts alone (it migrates the database), the others once it listens. A worker that dies is
 * replaced; SIGTERM/SIGINT stop every worker gracefully and the supervisor exits when they have.
 */
export async function superviseWorkers(config: AppConfig, logger: Logger): Promise<void> {
  if (!config.databaseUrl) {
    throw new StartupError(
      'SERVER_WORKERS above 1 needs DATABASE_URL: the embedded PostgreSQL serves a single server process',
    );
  }
  let stopping = false;
  let exitCode = 0;
  // Each live worker, and whether it has listened yet.
  const workers = new Map<Worker, boolean>();
  const fork = () => {
    const worker = cluster.fork();
    workers.set(worker, false);
    return worker;
  };
  cluster.on('listening', (worker) => workers.set(worker, true));
  serveClusterMetrics();

  cluster.on('exit', (worker, code, signal) => {
    const listened = workers.get(worker);
    workers.delete(worker);
    if (stopping) {
      if (workers.size === 0) process.exit(exitCode);
      return;
    }
    // One that dies before it listens is failing to start (a port in use, a bad setting): replacing it would loop.
    if (!listened) {
      logger.fatal({ pid: worker.process.pid, code, signal }, 'a worker failed to start; stopping');
      exitCode = 1;
      return stopAll();
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'a worker died; starting another');
    fork();
  });

  const stopAll = () => {
    stopping = true;
    setTimeout(() => {
      logger.error('shutdown grace period exceeded; exiting');
      process.exit(1);
    }, config.shutdownGraceMs + 2_000).unref();
    for (const worker of workers.keys()) worker.process.kill('SIGTERM');
    if (workers.size === 0) process.exit(exitCode);
  };
  const stop = (signal: string) => {
    if (stopping) return;
    logger.info({ signal, workers: workers.size }, 'shutting down');
    stopAll();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));

  const first = fork();
  await new Promise<void>((resolve) => {
    const listening = (worker: Worker) => {
      if (worker !== first) return;
      cluster.off('listening', listening);
      resolve();
    };
    cluster.on('listening', listening);
  });
  if (stopping) return;
  for (let index = 1; index < config.workers; index++) fork();
  logger.info({ workers: config.workers }, 'workers started');
}
