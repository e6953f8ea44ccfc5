import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/**
 * SERVER_WORKERS > 1: a scrape reaches one worker, but must answer for all of them. That worker asks the
 * supervisor, which collects every worker's registry with prom-client's AggregatorRegistry (counters and
 * histograms summed; each gauge by its own `aggregator`) and hands the exposition back.
 */
const ASK = 'jokkaer:metrics-ask';
const ANSWER = 'jokkaer:metrics-answer';

interface Ask {
  type: typeof ASK;
  id: number;
}
interface Answer {
  type: typeof ANSWER;
  id: number;
  body?: string;
  error?: string;
}

/** In the supervisor: answers workers asking for the whole cluster's exposition. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker: Worker, message: Partial<Ask>) => {
    if (message?.type !== ASK || message.id === undefined) return;
    const id = message.id;
    const answer = (fields: Pick<Answer, 'body' | 'error'>) => {
      // The asking worker may have died meanwhile.
      if (worker.isConnected()) worker.send({ type: ANSWER, id, ...fields } satisfies Answer);
    };
    aggregator.clusterMetrics().then(
      (body) => answer({ body }),
      (error: unknown) => answer({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
}

/** In a worker: `registry` answers the supervisor's collection, and `exposition` asks for the cluster's. */
export class ClusterExposition {
  private nextId = 0;
  private readonly pending = new Map<number, (answer: Answer) => void>();

  constructor(registry: Registry) {
    AggregatorRegistry.setRegistries([registry]);
    new AggregatorRegistry(); // its constructor is what makes this worker answer the supervisor's collection
    process.on('message', (message: Partial<Answer>) => {
      if (message?.type !== ANSWER || message.id === undefined) return;
      this.pending.get(message.id)?.(message as Answer);
      this.pending.delete(message.id);
    });
  }

  exposition(): Promise<string> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (answer) =>
        answer.error === undefined ? resolve(answer.body ?? '') : reject(new Error(answer.error)),
      );
      process.send!({ type: ASK, id } satisfies Ask);
    });
  }
}
