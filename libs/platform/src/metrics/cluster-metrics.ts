import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, Registry } from 'prom-client';

/** What a worker asks its cluster primary, and the answer (scripts/lib/cluster-primary.mjs). */
export const CLUSTER_METRICS_MESSAGE = 'platform:cluster-metrics';

interface Answer {
  type?: string;
  id?: string;
  text?: string;
  error?: string;
}

const waiting = new Map<string, (answer: Answer) => void>();
let listening = false;

/**
 * Under `npm start -- --replicas N` a scrape of /metrics reaches one worker of the service; it
 * answers for all of them (as one process would), summed by the cluster primary through
 * prom-client's AggregatorRegistry. Outside a cluster (one process, a Kubernetes pod) nothing
 * changes: each process is scraped for itself.
 */
export function joinClusterMetrics(registry: Registry): void {
  if (!cluster.isWorker || !process.send) return;
  new AggregatorRegistry(); // answers the primary's requests for this worker's metrics
  AggregatorRegistry.setRegistries([registry]);
  if (!listening) {
    listening = true;
    process.on('message', (message: Answer) => {
      if (message?.type !== CLUSTER_METRICS_MESSAGE || !message.id) return;
      waiting.get(message.id)?.(message);
    });
  }
}

/** Every worker's metrics, summed; null outside a cluster or when the primary does not answer. */
export function clusterMetrics(timeoutMs = 3_000): Promise<string | null> {
  if (!cluster.isWorker || !process.send) return Promise.resolve(null);
  const id = randomUUID();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      resolve(null);
    }, timeoutMs);
    waiting.set(id, (answer) => {
      clearTimeout(timer);
      waiting.delete(id);
      resolve(answer.text ?? null);
    });
    process.send!({ type: CLUSTER_METRICS_MESSAGE, id });
  });
}
