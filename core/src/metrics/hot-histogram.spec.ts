import { AggregatorRegistry, Histogram, Registry } from 'prom-client';
import { HotHistogram } from './hot-histogram';

const config = {
  name: 'request_seconds',
  help: 'How long requests take',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.1, 1],
};
const observations: [string[], number][] = [
  [['GET', '/me', '200'], 0.004],
  [['GET', '/me', '200'], 0.005],
  [['GET', '/me', '200'], 0.05],
  [['POST', '/messages', '201'], 0.2],
  [['POST', '/messages', '201'], 3],
  [['GET', 'unmatched', '404'], 0.0001],
];

/** prom-client's own histogram and a HotHistogram, each in a registry, given the same observations. */
function bothRegistries() {
  const reference = new Registry();
  const histogram = new Histogram({ ...config, labelNames: [...config.labelNames], registers: [reference] });
  const hot = new Registry();
  const fast = new HotHistogram(config.name, config.help, config.labelNames, config.buckets);
  hot.registerMetric(fast as unknown as Histogram);
  for (const [[method, route, status], value] of observations) {
    histogram.observe({ method, route, status }, value);
    fast.observe([method, route, status], value);
  }
  return { reference, hot };
}

describe('HotHistogram', () => {
  it('exposes exactly what prom-client’s histogram exposes for the same observations', async () => {
    const { reference, hot } = bothRegistries();
    const text = await hot.metrics();
    expect(text).toBe(await reference.metrics());
    expect(text).toContain('request_seconds_bucket{le="0.1",method="POST",route="/messages",status="201"} 0');
    expect(text).toContain(
      'request_seconds_bucket{le="+Inf",method="POST",route="/messages",status="201"} 2',
    );
    expect(text).toContain('request_seconds_sum{method="GET",route="/me",status="200"} 0.059');
  });

  it('sums across workers as prom-client’s does, and starts again on reset', async () => {
    const { reference, hot } = bothRegistries();
    const twoWorkers = async (registry: Registry) =>
      (
        await AggregatorRegistry.aggregate([
          await registry.getMetricsAsJSON(),
          await registry.getMetricsAsJSON(),
        ]).metrics()
      ).toString();
    expect(await twoWorkers(hot)).toBe(await twoWorkers(reference));
    hot.resetMetrics();
    expect(await hot.metrics()).toBe(
      '# HELP request_seconds How long requests take\n# TYPE request_seconds histogram\n',
    );
  });
});
