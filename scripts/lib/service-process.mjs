// How the launcher starts a service's process (scripts/start.mjs, scripts/lib/cluster-primary.mjs):
// its node flags and the part of its environment that is about memory. docs/performance.md
// ("Memory") has the figures behind each choice.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The preload that turns source maps on for the platform's own code (see the file). */
export const SOURCE_MAPS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'source-maps.cjs');

/**
 * node's arguments before the entry point: the source-map preload, then SERVICE_NODE_FLAGS
 * (space-separated node or V8 flags for every service process, e.g. `--max-semi-space-size=8`;
 * unset: none).
 */
export function serviceExecArgv(env = process.env) {
  const extra = (env.SERVICE_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  return ['--require', SOURCE_MAPS, ...extra];
}
