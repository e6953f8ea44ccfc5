import type { Aggregator, MetricValueWithName } from 'prom-client';

interface Series {
  labels: Record<string, string>;
  /** Observations per bucket (not cumulative), by bound. */
  counts: number[];
  sum: number;
  count: number;
}

/**
 * A histogram for what happens on every request. prom-client's `observe` validates and hashes its labels and
 * turns the bucket bound into a string on each call: 7% of the instructions of a `GET /api/v1/me`, counted
 * with callgrind. This one finds a series by its label values and counts in an array; a scrape gets it in
 * prom-client's shape, so the registry, the exposition and the SERVER_WORKERS aggregation stay prom-client's.
 */
export class HotHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator: Aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    private readonly upperBounds: readonly number[],
  ) {}

  /** One observation; `values` are the labels' values in the order of `labelNames`. */
  observe(values: readonly string[], value: number): void {
    const key = values.join('\n');
    let series = this.series.get(key);
    if (!series) {
      series = {
        labels: Object.fromEntries(this.labelNames.map((name, i) => [name, values[i]])),
        counts: this.upperBounds.map(() => 0),
        sum: 0,
        count: 0,
      };
      this.series.set(key, series);
    }
    const bucket = this.upperBounds.findIndex((bound) => value <= bound);
    if (bucket >= 0) series.counts[bucket]++;
    series.sum += value;
    series.count++;
  }

  /** What a scrape reads (prom-client's Registry calls it). */
  get(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    values: MetricValueWithName<string>[];
    aggregator: Aggregator;
  }> {
    const values: MetricValueWithName<string>[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.upperBounds.forEach((le, i) => {
        cumulative += counts[i];
        values.push({ metricName: bucketName, labels: { le, ...labels }, value: cumulative });
      });
      values.push({ metricName: bucketName, labels: { le: '+Inf', ...labels }, value: count });
      values.push({ metricName: `${this.name}_sum`, labels, value: sum });
      values.push({ metricName: `${this.name}_count`, labels, value: count });
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: 'histogram',
      values,
      aggregator: this.aggregator,
    });
  }

  reset(): void {
    this.series.clear();
  }
}
