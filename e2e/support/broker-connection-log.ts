// What a stack's services said about their broker connection, read from the launcher's log
// (each line `<process>  | {json}`): when each one lost it and when it was connected again.
import { readFileSync } from 'node:fs';

export interface ConnectionEvent {
  /** the service process (`order`, …); one-off processes (`product:seed`) are left out */
  process: string;
  at: number;
  kind: 'lost' | 'connected';
}

const MESSAGES: Record<string, ConnectionEvent['kind']> = {
  'message broker unreachable; reconnecting': 'lost',
  'connected to the message broker': 'connected',
};

export function brokerConnectionEvents(logFile: string): ConnectionEvent[] {
  const events: ConnectionEvent[] = [];
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('message broker')) continue;
    const bar = line.indexOf('| {');
    if (bar < 0) continue;
    const process = line.slice(0, bar).trim();
    if (process.includes(':')) continue;
    try {
      const entry = JSON.parse(line.slice(bar + 2)) as { msg?: string; time?: string };
      const kind = MESSAGES[entry.msg ?? ''];
      if (kind && entry.time) events.push({ process, at: Date.parse(entry.time), kind });
    } catch {
      // not a JSON line
    }
  }
  return events;
}

/** The services that use the broker: those that connected to it at least once. */
export function brokerClients(logFile: string): string[] {
  return [
    ...new Set(
      brokerConnectionEvents(logFile)
        .filter((e) => e.kind === 'connected')
        .map((e) => e.process),
    ),
  ];
}

/**
 * Around one outage (from `at`; restored at `restoredAt`): which services noticed the loss and
 * how long after `at`, and whether each of them has been connected again since, and how long
 * after `restoredAt`.
 */
export function outageSeenInLog(logFile: string, at: number, restoredAt: number) {
  const events = brokerConnectionEvents(logFile).filter((e) => e.at >= at);
  const noticed = new Map<string, number>();
  const reconnected = new Map<string, number>();
  for (const e of events) {
    if (e.kind === 'lost' && !noticed.has(e.process)) noticed.set(e.process, e.at - at);
    if (e.kind === 'connected' && noticed.has(e.process) && !reconnected.has(e.process)) {
      reconnected.set(e.process, Math.max(0, e.at - restoredAt));
    }
  }
  return {
    noticedBy: [...noticed.keys()].sort(),
    /** the slowest service to notice */
    noticedMs: Math.max(0, ...noticed.values()),
    allReconnected: [...noticed.keys()].every((p) => reconnected.has(p)),
    /** the slowest service to be connected again */
    reconnectMs: Math.max(0, ...reconnected.values()),
  };
}
