import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
  type TestUser,
} from '../fixtures/factories';
import { itIf, PROMETHEUS, PROMETHEUS_TESTS } from '../fixtures/optional-tests';
import { RealtimeClient } from '../fixtures/realtime-client';
import { eventually } from './support/eventually';
import { freePort } from './support/global-setup';
import { startTestServer, type TestServer } from './support/server';

const TOKEN = 'scrape-secret-0123456789';
const MESSAGES_ROUTE = '/api/v1/channels/:channelId/messages';

let server: TestServer;
let owner: TestUser;

beforeAll(async () => {
  server = await startTestServer({ metricsToken: TOKEN });
  owner = await registerUser(server.url, 'Operator');
  const workspace = await createWorkspace(owner);
  const channel = await createChannel(owner, workspace.id);
  await postMessage(owner, channel.id, 'something to count');
  await owner.api.get(`/api/v1/channels/${channel.id}/messages`);
});
afterAll(() => server.close());

const scrape = (authorization?: string) =>
  fetch(`${server.url}/metrics`, { headers: authorization ? { authorization } : {} });

describe('GET /metrics', () => {
  it('answers only the bearer of METRICS_TOKEN', async () => {
    for (const authorization of [undefined, 'Bearer wrong', `Bearer ${TOKEN}x`, `Bearer ${owner.token}`]) {
      const response = await scrape(authorization);
      expect({ authorization, status: response.status }).toEqual({ authorization, status: 401 });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('exposes request durations by route template, sockets, feed lag, queues, pool, plugins and the process, with no ids in labels', async () => {
    const socket = await RealtimeClient.connect(server.url, { token: owner.token });
    try {
      const response = await scrape(`Bearer ${TOKEN}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      const text = await response.text();
      expect(text).toMatch(
        new RegExp(
          `^jokkaer_http_request_duration_seconds_count\\{method="POST",route="${MESSAGES_ROUTE}",status="201"\\} 1$`,
          'm',
        ),
      );
      expect(text).toMatch(
        /^jokkaer_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/v1\/channels\/:channelId\/messages",status="200"\} \d+$/m,
      );
      expect(text).toMatch(/^jokkaer_realtime_open_sockets 1$/m);
      expect(text).toMatch(/^jokkaer_event_feed_lag_events \d+$/m);
      expect(text).toMatch(/^jokkaer_webhook_queue_depth 0$/m);
      expect(text).toMatch(/^jokkaer_webhook_oldest_due_age_seconds 0$/m);
      expect(text).toMatch(/^jokkaer_webhook_fanout_backlog_events \d+$/m);
      expect(text).toMatch(/^jokkaer_plugin_installs_disabled 0$/m);
      expect(text).toMatch(/^jokkaer_plugin_delivery_backlog_events 0$/m);
      expect(text).toMatch(/^jokkaer_plugin_runner_restarts_total 0$/m);
      expect(text).toMatch(/^jokkaer_db_pool_connections\{state="waiting"\} 0$/m);
      expect(text).toMatch(/^jokkaer_db_pool_connections\{state="used"\} \d+$/m);
      expect(text).toMatch(/^jokkaer_nodejs_eventloop_lag_seconds [\d.e-]+$/m);
      expect(text).toMatch(/^jokkaer_process_cpu_seconds_total [\d.e-]+$/m);
      // Ids never become labels (series would grow without bound): no uuid anywhere in the exposition.
      expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    } finally {
      socket.close();
    }
  });

  it('is off without METRICS_TOKEN, and served without a token on METRICS_PORT', async () => {
    const metricsPort = await freePort();
    const other = await startTestServer({ metricsPort, databaseUrl: server.databaseUrl });
    try {
      const api = await fetch(`${other.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(api.status).toBe(404);
      await api.arrayBuffer();
      const own = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(own.status).toBe(200);
      expect(await own.text()).toMatch(/^jokkaer_realtime_open_sockets 0$/m);
    } finally {
      await other.close();
    }
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
  });

  itIf(PROMETHEUS_TESTS)(
    "a real Prometheus scrapes it with the token: the target is up and the messages route's series is queryable",
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'jokkaer-prometheus-'));
      const port = await freePort();
      const target = new URL(server.url).host;
      await writeFile(
        path.join(dir, 'prometheus.yml'),
        [
          'global: { scrape_interval: 1s, scrape_timeout: 1s }',
          'scrape_configs:',
          '  - job_name: jokkaer',
          `    authorization: { credentials: ${TOKEN} }`,
          `    static_configs: [{ targets: ['${target}'] }]`,
        ].join('\n'),
      );
      const prometheus: ChildProcess = spawn(
        PROMETHEUS,
        [
          `--config.file=${path.join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${path.join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: 'ignore' },
      );
      const api = async (query: string) => {
        const response = await fetch(`http://127.0.0.1:${port}/api/v1/${query}`).catch(() => undefined);
        return response?.ok ? ((await response.json()) as { data: any }).data : undefined;
      };
      try {
        const up = await eventually(
          async () => {
            const targets = (await api('targets'))?.activeTargets as { health: string; lastError: string }[];
            return targets?.[0]?.health === 'up' ? targets[0] : undefined;
          },
          'Prometheus to report the target up',
          30_000,
        );
        expect(up.lastError).toBe('');
        const series = await eventually(
          async () => {
            const query = encodeURIComponent(
              `jokkaer_http_request_duration_seconds_count{route="${MESSAGES_ROUTE}"}`,
            );
            const result = (await api(`query?query=${query}`))?.result as {
              metric: Record<string, string>;
            }[];
            return result?.length ? result : undefined;
          },
          'the request-duration series in Prometheus',
          30_000,
        );
        expect(series.map(({ metric }) => `${metric.method} ${metric.status}`).sort()).toEqual([
          'GET 200',
          'POST 201',
        ]);
      } finally {
        prometheus.kill('SIGTERM');
        await new Promise((resolve) => prometheus.once('exit', resolve));
        await rm(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
