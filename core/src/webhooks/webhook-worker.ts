import { performance } from 'node:perf_hooks';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { Clock } from '../common/clock';
import { TokenBucket } from '../common/token-bucket';
import { coalesced } from '../common/coalesced';
import { LOGGER } from '../common/logger';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { Database } from '../database/database';
import { EgressClient, EgressRefused, EgressResponse } from '../egress/egress.client';
import { EventBus } from '../events/event-bus';
import { EventsRepository } from '../events/events.repository';
import {
  nextAttemptDelayMs,
  parseRetryAfter,
  RETRY_DELAYS_SECONDS,
  SLACK_RETRY_DELAYS_SECONDS,
} from './retry-schedule';
import type { Histogram } from 'prom-client';
import { Metrics } from '../metrics/metrics';
import { SlackSocketMode } from '../slack/socket-mode';
import { signedDelivery, slackEventRequest } from './webhook-signature';
import {
  AttemptOutcome,
  ClaimedDelivery,
  WebhookDeliveriesRepository,
} from './webhook-deliveries.repository';
import { WebhooksRepository } from './webhooks.repository';
import { Timers } from '../common/timers';

/** The bounded part of an answer kept in the delivery log. */
const EXCERPT_BYTES = 2048;
const PRUNE_INTERVAL_MS = 3_600_000;
/** Slack gives an app 3 s to answer an event. */
const SLACK_TIMEOUT_MS = 3000;

/** One endpoint's deliveries on this instance: a queue drained within its concurrency and rate limits. */
interface Lane {
  queue: ClaimedDelivery[];
  inFlight: number;
  /** Monotonic time (performance.now()): a test moving the Clock does not refill it. */
  tokens: TokenBucket;
  timer?: NodeJS.Timeout;
}

interface Verdict {
  outcome: AttemptOutcome;
  /** Why the endpoint is to be disabled right away (410 Gone). */
  disable?: string;
}

/**
 * Sends due deliveries. Any instance claims them with a lease (SKIP LOCKED), so a killed worker loses
 * nothing: its leases run out and the deliveries are claimed again. Each endpoint has its own lane with a
 * concurrency and a rate limit, so a slow receiver holds up only its own deliveries. Results are written
 * in batches, one statement for many attempts.
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly lanes = new Map<string, Lane>();
  /** Claimed deliveries whose attempt has not finished (queued in a lane or in flight): what room counts. */
  private active = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly laneCap: number;
  private readonly attempts: Histogram<'owner' | 'status'>;
  private readonly leaseMs: number;
  /** The last claim stopped at a limit: more may be due, so lanes running low claim again. */
  private backlog = false;
  private stopped = false;
  private recorded: AttemptOutcome[] = [];
  private flushTimer?: NodeJS.Timeout;
  private readonly flushing = new Set<Promise<void>>();

  constructor(
    private readonly db: Database,
    private readonly webhooks: WebhooksRepository,
    private readonly queue: WebhookDeliveriesRepository,
    private readonly events: EventsRepository,
    private readonly egress: EgressClient,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly socketMode: SlackSocketMode,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    // Attempts by whose endpoint (a workspace's webhook or an app's events URL) and what became of the delivery:
    // succeeded, pending (to be retried), failed (given up) or aborted.
    this.attempts = metrics.histogram({
      name: 'webhook_attempt_duration_seconds',
      help: 'Outgoing webhook and app event delivery attempts, by owner and resulting delivery status',
      labelNames: ['owner', 'status'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    });
    metrics.readGauge(
      'webhook_queue_depth',
      'Deliveries waiting to be sent to enabled endpoints (due now or later)',
      async () => (await queue.queueStats(new Date(clock.now()))).depth,
      'max',
    );
    metrics.readGauge(
      'webhook_oldest_due_age_seconds',
      'How long the longest-due waiting delivery has been due (0 when none is)',
      async () => {
        const { oldestDueAt } = await queue.queueStats(new Date(clock.now()));
        return oldestDueAt ? Math.max(0, clock.now() - oldestDueAt.getTime()) / 1000 : 0;
      },
      'max',
    );
    metrics.readGauge(
      'webhook_fanout_backlog_events',
      'Committed events the webhook fan-out has not looked at yet (newest seq minus its cursor)',
      async () => Number(BigInt(await events.maxSeq()) - BigInt(await queue.fanoutCursor())),
      'max',
    );
    const { webhookEndpointConcurrency: concurrency, webhookEndpointRate: rate, webhookTimeoutMs } = config;
    this.laneCap = concurrency * 8;
    // Long enough for a full lane to drain at its slowest (every attempt timing out, the rate limit
    // spacing them), so a lease only runs out when its holder is gone.
    const queued = this.laneCap * 2;
    this.leaseMs = webhookTimeoutMs * Math.ceil(queued / concurrency) + (queued / rate) * 1000 + 30_000;
  }

  onApplicationBootstrap(): void {
    this.timers.every(this.config.webhookPollIntervalMs, () => this.wake());
    this.timers.every(PRUNE_INTERVAL_MS, () => void this.prune());
    this.wake();
  }

  /** Keeps the delivery log to WEBHOOK_LOG_RETENTION_DAYS; every instance may run it, it is idempotent. */
  async prune(): Promise<void> {
    const before = new Date(this.clock.now() - this.config.webhookLogRetentionDays * 86_400_000);
    try {
      const deleted = await this.queue.pruneFinished(before);
      if (deleted > 0) this.logger.info({ deleted }, 'pruned old webhook deliveries');
    } catch (error) {
      this.logger.error({ err: error }, 'pruning webhook deliveries failed; trying again later');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    // Deliveries not yet started go back at once; those in flight get a moment to finish.
    const queued: string[] = [];
    for (const lane of this.lanes.values()) {
      clearTimeout(lane.timer);
      for (const delivery of lane.queue.splice(0)) queued.push(delivery.id);
    }
    // Best effort: with the database unreachable the leases run out on their own, and shutdown goes on.
    await this.queue.releaseLeases(this.bus.instanceId, queued).catch((error: unknown) => {
      this.logger.warn(
        { err: error, deliveries: queued.length },
        'releasing webhook leases at shutdown failed; other instances claim them once they expire',
      );
    });
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled(this.inFlight),
      new Promise((resolve) => (grace = setTimeout(resolve, 2000))),
    ]);
    clearTimeout(grace);
    await this.flush();
    await Promise.allSettled(this.flushing);
  }

  /** Looks for due deliveries now (new ones were enqueued, a test moved the clock). */
  readonly wake = coalesced(
    () => this.claim(),
    (error) =>
      this.logger.error({ err: error }, 'claiming webhook deliveries failed; retrying on the next poll'),
  );

  /**
   * A claim pass from now, every attempt under way, and their outcomes written: what was due by now has been
   * tried (tests await this rather than sleeping to show that nothing was sent).
   */
  async settled(): Promise<void> {
    await this.wake.pass();
    await Promise.allSettled(this.inFlight);
    await this.flush();
    await Promise.allSettled(this.flushing);
  }

  /** Claims what fits; when that stopped at a limit, lanes running low claim again (see `backlog`). */
  private async claim(): Promise<void> {
    const room = this.config.webhookMaxInFlight - this.active;
    if (room <= 0 || this.stopped) return;
    const full = [...this.lanes]
      .filter(([, lane]) => lane.queue.length + lane.inFlight >= this.laneCap)
      .map(([webhookId]) => webhookId);
    const now = this.clock.now();
    const claimed = await this.queue.claimDue(
      this.bus.instanceId,
      new Date(now),
      new Date(now + this.leaseMs),
      room,
      this.laneCap,
      full,
    );
    this.active += claimed.length;
    for (const delivery of claimed) {
      this.laneOf(delivery.webhookId).queue.push(delivery);
    }
    for (const webhookId of new Set(claimed.map((delivery) => delivery.webhookId))) this.pump(webhookId);
    // More may be due only if the claim stopped at a limit: the room, or some endpoint's lane cap.
    const perWebhook = new Map<string, number>();
    for (const delivery of claimed)
      perWebhook.set(delivery.webhookId, (perWebhook.get(delivery.webhookId) ?? 0) + 1);
    this.backlog = claimed.length >= room || [...perWebhook.values()].some((count) => count >= this.laneCap);
  }

  private laneOf(webhookId: string): Lane {
    let lane = this.lanes.get(webhookId);
    if (!lane) {
      lane = {
        queue: [],
        inFlight: 0,
        tokens: new TokenBucket(
          this.config.webhookEndpointRate,
          this.config.webhookEndpointRate,
          performance.now(),
        ),
      };
      this.lanes.set(webhookId, lane);
    }
    return lane;
  }

  /** Starts what the lane's concurrency and token bucket allow. */
  private pump(webhookId: string): void {
    const lane = this.lanes.get(webhookId);
    if (!lane || this.stopped) return;
    while (lane.queue.length > 0 && lane.inFlight < this.config.webhookEndpointConcurrency) {
      if (!lane.tokens.take(performance.now())) {
        lane.timer ??= setTimeout(() => {
          lane.timer = undefined;
          this.pump(webhookId);
        }, lane.tokens.msUntilToken(performance.now()));
        return;
      }
      lane.inFlight += 1;
      const delivery = lane.queue.shift() as ClaimedDelivery;
      const task = this.attempt(delivery)
        .catch((error: unknown) =>
          this.logger.error({ err: error, deliveryId: delivery.id }, 'webhook attempt failed'),
        )
        .finally(() => {
          lane.inFlight -= 1;
          this.active -= 1;
          this.inFlight.delete(task);
          if (lane.queue.length === 0 && lane.inFlight === 0 && !lane.timer) this.lanes.delete(webhookId);
          else this.pump(webhookId);
          // Refill before the lane runs dry, not after every attempt: each claim is a query.
          if (this.backlog && lane.queue.length < this.laneCap / 2) this.wake();
        });
      this.inFlight.add(task);
    }
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const attemptedAt = new Date(this.clock.now());
    const timestamp = Math.floor(attemptedAt.getTime() / 1000);
    const messageId = `msg_${delivery.id}`;
    const secrets = delivery.secrets
      .filter((entry) => entry.expiresAt === null || Date.parse(entry.expiresAt) > attemptedAt.getTime())
      .map((entry) => entry.secret);
    const started = performance.now();
    let response: EgressResponse | undefined;
    let failure: string | undefined;
    const slack = delivery.format === 'slack';
    try {
      if (slack && delivery.appId && (this.socketMode.connected(delivery.appId) || !delivery.url)) {
        response = await this.throughSocket(delivery.appId, delivery);
      } else {
        response = await this.egress.fetch(
          delivery.url,
          slack
            ? slackEventRequest(secrets[0], timestamp, delivery.body, slackRetry(delivery))
            : signedDelivery(secrets, messageId, timestamp, delivery.body),
          {
            timeoutMs: slack
              ? Math.min(SLACK_TIMEOUT_MS, this.config.webhookTimeoutMs)
              : this.config.webhookTimeoutMs,
            maxResponseBytes: EXCERPT_BYTES,
            truncateResponse: true,
          },
        );
      }
    } catch (error) {
      failure = describeFailure(error);
    }
    const durationMs = Math.round(performance.now() - started);
    const verdict = judge(delivery, attemptedAt, durationMs, response, failure);
    const { outcome } = verdict;
    if (outcome.status === 'pending' || outcome.status === 'failed') {
      await this.noteFailure(delivery.webhookId, attemptedAt, verdict.disable);
    }
    this.attempts.observe(
      { owner: delivery.forApp ? 'app' : 'webhook', status: outcome.status },
      durationMs / 1000,
    );
    this.record(outcome);
  }

  /**
   * A Slack app connected by Socket Mode gets its events as `events_api` envelopes; an acknowledgement counts as
   * Slack's 200, none within 3 s as a failure to retry (so unacknowledged envelopes are sent again).
   */
  private async throughSocket(appId: string, delivery: ClaimedDelivery): Promise<EgressResponse> {
    const retry = slackRetry(delivery);
    const outcome = await this.socketMode.send(
      appId,
      'events_api',
      JSON.parse(delivery.body),
      retry && { attempt: retry.num, reason: retry.reason },
    );
    if (!outcome.acked) throw new Error(outcome.reason);
    return { status: 200, headers: {}, body: '', bytes: Buffer.alloc(0) };
  }

  /** Five days of nothing but failures (or a 410) disable the endpoint, with an event saying so. */
  private async noteFailure(webhookId: string, at: Date, disableNow: string | undefined): Promise<void> {
    const failingSince = await this.webhooks.markFailing(webhookId, at);
    if (!failingSince) return; // already disabled, or deleted
    const limitMs = this.config.webhookDisableAfterHours * 3_600_000;
    const reason =
      disableNow ??
      (at.getTime() - failingSince.getTime() >= limitMs
        ? `every delivery failed since ${failingSince.toISOString()}`
        : undefined);
    if (!reason) return;
    await this.db.transaction(async () => {
      const webhook = await this.webhooks.disable(webhookId, reason);
      if (!webhook) return;
      await this.events.append('webhook.disabled', {
        id: webhook.id,
        workspaceId: webhook.workspaceId,
        url: webhook.url,
        reason,
        disabledAt: at.toISOString(),
      });
    });
    this.logger.warn({ webhookId, reason }, 'webhook endpoint disabled');
  }

  private record(outcome: AttemptOutcome): void {
    this.recorded.push(outcome);
    this.scheduleFlush(this.recorded.length >= 200 ? 0 : 5);
  }

  private scheduleFlush(delayMs: number): void {
    if (this.flushTimer && delayMs > 0) return;
    clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, delayMs);
  }

  /**
   * Writes recorded attempts in one statement; on failure the leases run out and the deliveries go again.
   * Flushes run side by side: each has its own deliveries.
   */
  private async flush(): Promise<void> {
    const batch = this.recorded.splice(0);
    if (batch.length === 0) return;
    const writing = this.queue
      .recordAttempts(this.bus.instanceId, batch)
      .catch(async (error: unknown) => {
        this.logger.error(
          { err: error },
          'recording webhook attempts failed; their deliveries will be retried',
        );
        // Hand the leases back so that this instance, which never reclaims its own, may send them again.
        await this.queue
          .releaseLeases(
            this.bus.instanceId,
            batch.map((outcome) => outcome.deliveryId),
          )
          .catch(() => undefined);
      })
      .finally(() => this.flushing.delete(writing));
    this.flushing.add(writing);
    await writing;
  }
}

/** Success is 2xx only; everything else is retried on the schedule unless the receiver said otherwise. */
function judge(
  delivery: ClaimedDelivery,
  attemptedAt: Date,
  durationMs: number,
  response: EgressResponse | undefined,
  failure: string | undefined,
): Verdict {
  const base = {
    deliveryId: delivery.id,
    attemptedAt,
    durationMs,
    statusCode: response?.status ?? null,
    responseExcerpt: response ? response.body : null,
  };
  if (response && response.status >= 200 && response.status < 300) {
    return { outcome: { ...base, error: null, status: 'succeeded', nextAttemptAt: null } };
  }
  const slack = delivery.format === 'slack';
  const abort = slack
    ? response?.headers['x-slack-no-retry'] === '1'
    : response?.headers['webhook-delivery']?.toLowerCase() === 'abort-message';
  if (abort) {
    return {
      outcome: {
        ...base,
        error: `the receiver asked not to retry (${slack ? 'X-Slack-No-Retry' : 'abort-message'})`,
        status: 'aborted',
        nextAttemptAt: null,
      },
    };
  }
  if (response?.status === 410) {
    const error = 'the endpoint answered 410 Gone; it is disabled';
    return {
      outcome: { ...base, error, status: 'failed', nextAttemptAt: null },
      disable: 'the endpoint answered 410 Gone',
    };
  }
  let error = failure ?? `the endpoint answered ${response?.status}`;
  if (response && response.status >= 300 && response.status < 400) {
    error = `the endpoint redirected to ${response.headers.location ?? '(nowhere)'}; redirects are not followed`;
  }
  const retryAfter =
    response && (response.status === 429 || response.status === 503)
      ? parseRetryAfter(response.headers['retry-after'], attemptedAt.getTime())
      : undefined;
  const delay = nextAttemptDelayMs(
    delivery.attempts + 1,
    retryAfter,
    Math.random,
    slack ? SLACK_RETRY_DELAYS_SECONDS : RETRY_DELAYS_SECONDS,
  );
  return {
    outcome: {
      ...base,
      error,
      status: delay === null ? 'failed' : 'pending',
      nextAttemptAt: delay === null ? null : new Date(attemptedAt.getTime() + delay),
    },
  };
}

/** Which retry of a Slack event this is and Slack's reason for it; none on the first attempt. */
function slackRetry(delivery: ClaimedDelivery): { num: number; reason: string } | undefined {
  if (delivery.attempts === 0) return undefined;
  const reason =
    delivery.lastStatusCode !== null
      ? 'http_error'
      : /no complete answer within|no acknowledgement within/.test(delivery.lastError ?? '')
        ? 'http_timeout'
        : 'connection_failed';
  return { num: delivery.attempts, reason };
}

function describeFailure(error: unknown): string {
  if (error instanceof EgressRefused) return `refused: ${error.message}`;
  const { code, message } = error as { code?: string; message?: string };
  return code ? `${code}: ${message ?? 'the connection failed'}` : (message ?? 'the request failed');
}
