import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** What one service is configured with: the key it sends, and the callers' keys it accepts. */
export interface KeyConfig {
  own?: string;
  accepts: Record<string, string>;
}

const ROOT = path.join(__dirname, '..', '..');

/**
 * The keys `npm start` gives each service, computed by its own code (scripts/lib/env.mjs) in a
 * child process (it is an ES module), from stand-in keys so that no real key file is read.
 */
export function startKeys(): Record<string, KeyConfig> {
  const script = `
    import { SERVICES } from './scripts/lib/services.mjs';
    import { serviceEnv } from './scripts/lib/env.mjs';
    const keys = Object.fromEntries(SERVICES.map(({ name }) => [name, name + '-stand-in-key-0001']));
    const out = {};
    for (const svc of SERVICES) {
      const env = serviceEnv(svc, 'postgres://127.0.0.1:5432/postgres', keys, {});
      out[svc.name] = { own: env.SERVICE_API_KEY, accepts: JSON.parse(env.SERVICE_API_KEYS) };
    }
    process.stdout.write(JSON.stringify(out));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(output) as Record<string, KeyConfig>;
}

/**
 * The keys docker-compose.yml gives each service, as the `${VAR:-default}` expressions it
 * writes (compared as text, so a caller's entry in the map and its own SERVICE_API_KEY must
 * name the same variable). Each service block must merge the shared environment that carries
 * SERVICE_API_KEYS.
 */
export function composeKeys(): Record<string, KeyConfig> {
  const compose = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
  const mapLine = /^ {2}SERVICE_API_KEYS: '(.*)'$/m.exec(compose);
  if (!mapLine) throw new Error('docker-compose.yml: no shared SERVICE_API_KEYS');
  const accepts = JSON.parse(mapLine[1]) as Record<string, string>;
  const services = compose.slice(compose.indexOf('\nservices:\n'));
  const out: Record<string, KeyConfig> = {};
  for (const block of services.split(/\n(?= {2}[\w-]+:\n)/)) {
    const name = /^ {2}([\w-]+):\n/.exec(block)?.[1];
    const own = /^ {6}SERVICE_API_KEY: (.*)$/m.exec(block)?.[1];
    if (!name || !own) continue;
    out[name] = { own, accepts: block.includes('*service-env') ? accepts : {} };
  }
  return out;
}
