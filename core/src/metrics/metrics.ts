import cluster from 'node:cluster';
import { Injectable } from '@nestjs/common';
import {
  collectDefaultMetrics,
  type Aggregator,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';
import { ClusterExposition } from './cluster-metrics';
import { HotHistogram } from './hot-histogram';

/** Every series is named jokkaer_…; labels are bounded (route templates, outcomes, kinds), never ids. */
const PREFIX = 'jokkaer_';

/**
 * This instance's Prometheus registry (one per app, so tests that run several apps in one process keep them
 * apart), with Node's process metrics and event-loop lag. Modules add their own series here: counters and
 * histograms they update as things happen, gauges read when scraped.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  /** In a worker of SERVER_WORKERS: a scrape answers for every worker. */
  private readonly cluster = cluster.isWorker ? new ClusterExposition(this.registry) : undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    return new Counter({ ...config, name: PREFIX + config.name, registers: [this.registry] });
  }

  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    return new Histogram({ ...config, name: PREFIX + config.name, registers: [this.registry] });
  }

  /** A histogram for every request's path (see HotHistogram): `observe` takes the label values in order. */
  hotHistogram<L extends string>(config: {
    name: string;
    help: string;
    labelNames: readonly L[];
    buckets: readonly number[];
  }): HotHistogram<L> {
    const histogram = new HotHistogram(PREFIX + config.name, config.help, config.labelNames, config.buckets);
    // The registry asks a metric only for its name, get() and reset().
    this.registry.registerMetric(histogram as unknown as Histogram);
    return histogram;
  }

  /** A gauge whose value is read at scrape time (`collect` sets it). */
  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    return new Gauge({ ...config, name: PREFIX + config.name, registers: [this.registry] });
  }

  /**
   * A gauge without labels whose value `read` gives at scrape time. Across SERVER_WORKERS, `aggregator` joins
   * the workers' values: `sum` for what each process holds (its sockets), `max` for what each reads from the
   * shared database (a queue's depth: the same number from every worker, or the worst of their lags).
   */
  readGauge(name: string, help: string, read: () => number | Promise<number>, aggregator: Aggregator): void {
    new Gauge({
      name: PREFIX + name,
      help,
      aggregator,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }

  exposition(): Promise<string> {
    return this.cluster ? this.cluster.exposition() : this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
