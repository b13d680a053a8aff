// `npm start -- --replicas N`: N processes of one service behind its one port. This primary
// forks REPLICAS workers that each run the service's main.js (node:cluster); the primary accepts
// the connections and hands them to the workers in turn (round-robin), so clients, the other
// services and the black-box suites see the SPEC port and nothing else changes.
//   - a worker that dies (crash, SIGKILL) is replaced after REPLICA_RESTART_DELAY_MS;
//   - SIGTERM/SIGINT: every worker drains and stops (SIGTERM), then the primary exits;
//   - with an IPC channel to the launcher, {type: 'replicas-listening', pids} once all N listen,
//     and again whenever a replacement listens.
// A worker's own state (caches, circuit breakers, metrics) is its own; what must be shared lives
// in PostgreSQL or Redis (README "Replicas").
import cluster from 'node:cluster';
import promClient from 'prom-client';
import { serviceExecArgv } from './service-process.mjs';

const [entry] = process.argv.slice(2);
const replicas = Number(process.env.REPLICAS);
if (!entry || !Number.isInteger(replicas) || replicas < 1) {
  console.error('usage: REPLICAS=<n ≥ 1> node cluster-primary.mjs <service main.js>');
  process.exit(2);
}
const restartDelayMs = Number(process.env.REPLICA_RESTART_DELAY_MS ?? 500);

cluster.setupPrimary({ exec: entry, execArgv: serviceExecArgv() });

let stopping = false;
let everListened = false;
const listening = new Set();

const report = () => {
  if (listening.size === replicas && process.connected) {
    process.send({ type: 'replicas-listening', pids: [...listening] });
  }
};

function fork() {
  const worker = cluster.fork();
  const pid = worker.process.pid;
  worker.once('listening', () => {
    listening.add(pid);
    everListened = true;
    report();
  });
  worker.once('exit', (code, signal) => {
    listening.delete(pid);
    if (stopping) return;
    if (!everListened) {
      // dies before any replica ever served (bad configuration): fail the start, no retry loop
      console.error(`replica ${pid} stopped during start (${signal ?? `exit code ${code}`})`);
      process.exitCode = 1;
      stop('SIGTERM');
      return;
    }
    console.error(
      `replica ${pid} stopped (${signal ?? `exit code ${code}`}); starting another in ${restartDelayMs} ms`,
    );
    setTimeout(() => !stopping && fork(), restartDelayMs);
  });
}

for (let i = 0; i < replicas; i += 1) fork();

// A worker's GET /metrics answers for the whole service: every worker's metrics, summed
// (prom-client's AggregatorRegistry; libs/platform/src/metrics/cluster-metrics.ts asks).
const METRICS = 'platform:cluster-metrics';
const aggregator = new promClient.AggregatorRegistry();
cluster.on('message', (worker, message) => {
  if (message?.type !== METRICS) return;
  aggregator.clusterMetrics().then(
    (text) => worker.isConnected() && worker.send({ type: METRICS, id: message.id, text }),
    (error) =>
      worker.isConnected() && worker.send({ type: METRICS, id: message.id, error: error.message }),
  );
});

function stop(signal) {
  if (stopping) return;
  stopping = true;
  const workers = Object.values(cluster.workers ?? {});
  const done = () => process.exit(process.exitCode ?? 0);
  const alive = workers.filter((w) => w.process.exitCode === null && w.process.signalCode === null);
  if (alive.length === 0) done();
  let left = alive.length;
  for (const worker of alive) {
    worker.process.once('exit', () => {
      left -= 1;
      if (left === 0) done();
    });
    worker.process.kill(signal === 'SIGKILL' ? 'SIGKILL' : 'SIGTERM');
  }
}
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => stop(signal));
// the launcher went away without a word: stop the replicas rather than leave them behind
process.on('disconnect', () => stop('SIGTERM'));
