import { Injectable } from '@nestjs/common';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';

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

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    return new Counter({ ...config, name: PREFIX + config.name, registers: [this.registry] });
  }

  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    return new Histogram({ ...config, name: PREFIX + config.name, registers: [this.registry] });
  }

  /** A gauge whose value is read at scrape time (`collect` sets it). */
  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    return new Gauge({ ...config, name: PREFIX + config.name, registers: [this.registry] });
  }

  /** A gauge without labels whose value `read` gives at scrape time. */
  readGauge(name: string, help: string, read: () => number | Promise<number>): void {
    new Gauge({
      name: PREFIX + name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }

  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
