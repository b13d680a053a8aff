// The first code of a worker thread of `npm start -- --threads` (scripts/lib/thread-host.mjs): it
// runs one service's compiled main.js in this thread, as `node main.js` runs it in a process of
// its own. The service's module state (Nest, its logger, its metrics registry) is this thread's;
// its environment is the Worker's `env` option, its stdout and stderr go to the host, which
// prefixes every line with the service's name.
import { createRequire, enableCompileCache, setSourceMapsSupport } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

// as `node --enable-source-maps`: stack traces name the TypeScript sources
setSourceMapsSupport(true);
// the launcher's NODE_COMPILE_CACHE (scripts/lib/stack.mjs) reaches the child processes through
// their environment at start; a thread is not started, so it asks for the cache itself
if (process.env.NODE_COMPILE_CACHE) enableCompileCache(process.env.NODE_COMPILE_CACHE);

// Signals reach the main thread only. The host relays SIGTERM/SIGINT as a message, emitted here as
// the signal itself, so the service stops the way it stops on the signal in a process of its own
// (Nest's shutdown hooks, the gateway's handler): it stops accepting, drains, closes its pools and
// exits, which ends this thread only. With no handler there is nothing to drain: it exits at once.
parentPort.on('message', (msg) => {
  if (msg?.type !== 'platform:signal') return;
  if (process.listenerCount(msg.signal) === 0) process.exit(0);
  else process.emit(msg.signal, msg.signal);
});
// the port alone does not keep the thread alive: a service that has nothing left to do ends, as
// its process would
parentPort.unref();

createRequire(workerData.entry)(workerData.entry);
