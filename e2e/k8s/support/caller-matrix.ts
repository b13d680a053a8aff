import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './rendered-manifests';

/**
 * Who may call each service's service-key routes: the caller matrix of docs/authentication.md,
 * which the service-scopes e2e suite generates from the @ServiceAuth decorators and keeps in
 * step with the code (it fails when the table differs).
 */
export function serviceKeyCallers(): Map<string, Set<string>> {
  const doc = readFileSync(path.join(ROOT, 'docs/authentication.md'), 'utf8');
  const start = doc.indexOf('<!-- caller-matrix:start');
  const end = doc.indexOf('<!-- caller-matrix:end');
  if (start < 0 || end < start) throw new Error('docs/authentication.md: no caller matrix');
  const callers = new Map<string, Set<string>>();
  for (const line of doc.slice(start, end).split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    // | service | `route` | callers | other credential |
    if (cells.length < 5 || !cells[2].startsWith('`')) continue;
    const [, service, , names] = cells;
    const set = callers.get(service) ?? new Set<string>();
    for (const name of names.split(',').map((n) => n.trim())) if (name) set.add(name);
    callers.set(service, set);
  }
  if (callers.size === 0) throw new Error('docs/authentication.md: empty caller matrix');
  return callers;
}
