// What the services logged about a lost database connection, read from the launcher's output
// (every service's JSON lines, prefixed with its name): which requests a fault really hit.
import { readFileSync } from 'node:fs';

const CONNECTION_LOST = [
  'The database connection dropped inside a transaction',
  'The database connection was lost during the request',
  'The database was unreachable while recording',
];

/** Per service, the log lines since `since` (ms) saying a database connection was lost. */
export function connectionLossesLogged(logFile: string, since: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    const match = /^([a-z-]+)\s+\| (\{.*\})$/.exec(line);
    if (!match || !CONNECTION_LOST.some((text) => line.includes(text))) continue;
    let entry: { time?: string };
    try {
      entry = JSON.parse(match[2]) as { time?: string };
    } catch {
      continue;
    }
    if (entry.time && Date.parse(entry.time) >= since) {
      counts[match[1]] = (counts[match[1]] ?? 0) + 1;
    }
  }
  return counts;
}
