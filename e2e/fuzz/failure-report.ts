// Groups the failed checks by cause, matches them against the known-failures list and writes
// the run's report (.data/fuzz-report.json).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KNOWN_FAILURES, KnownFailure } from './known-failures';
import type { Check } from './response-checks';
import type { Outcome, RequestSummary } from './runner';

export interface FailureGroup {
  op: string;
  /** location:kind of each mutation of the request, e.g. body:nul */
  input: string;
  targets: string[];
  check: Check;
  status: number;
  shortBody: string;
  count: number;
  /** the id of the known-failures entry it matches; null: unlisted */
  known: string | null;
  example: {
    phase: Outcome['phase'];
    index: number;
    credential: string;
    detail: string;
    request: RequestSummary;
  };
}

function matches(entry: KnownFailure, outcome: Outcome, check: Check): boolean {
  const m = entry.match;
  const test = (pattern: RegExp | undefined, value: string) => !pattern || pattern.test(value);
  const within = <T>(allowed: T | T[] | undefined, value: T) =>
    allowed === undefined || (Array.isArray(allowed) ? allowed.includes(value) : allowed === value);
  return (
    within(m.check, check) &&
    within(m.status, outcome.status) &&
    test(m.op, outcome.op) &&
    (!m.trait || outcome.traits.includes(m.trait)) &&
    (outcome.mutations.length === 0
      ? !m.input && !m.target
      : outcome.mutations.some(
          (mutation) =>
            test(m.input, `${mutation.location}:${mutation.kind}`) &&
            test(m.target, mutation.target),
        )) &&
    test(m.body, outcome.shortBody)
  );
}

export function knownFailureFor(
  outcome: Outcome,
  check: Check,
  list: KnownFailure[] = KNOWN_FAILURES,
): KnownFailure | undefined {
  return list.find((entry) => matches(entry, outcome, check));
}

export function groupFailures(outcomes: Outcome[], strict: boolean): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const outcome of outcomes) {
    for (const violation of outcome.violations) {
      const input = outcome.mutations.map((m) => `${m.location}:${m.kind}`).join(' + ') || 'probe';
      const key = [outcome.op, input, violation.check, outcome.status, outcome.shortBody].join('|');
      const known = strict ? undefined : knownFailureFor(outcome, violation.check);
      const group = groups.get(key);
      const targets = outcome.mutations.map((m) => m.target).filter(Boolean);
      if (group) {
        group.count++;
        for (const target of targets)
          if (!group.targets.includes(target)) group.targets.push(target);
        continue;
      }
      groups.set(key, {
        op: outcome.op,
        input,
        targets,
        check: violation.check,
        status: outcome.status,
        shortBody: outcome.shortBody,
        count: 1,
        known: known?.id ?? null,
        example: {
          phase: outcome.phase,
          index: outcome.index,
          credential: outcome.credential,
          detail: violation.detail,
          request: outcome.request,
        },
      });
    }
  }
  return [...groups.values()];
}

/**
 * Entries of the known-failures list that no failure of the sweep matched. Only the sweep
 * counts: each of its requests has one mutation, so a failure there shows its own cause; a
 * random request mixes several, and one still-broken cause could keep a fixed one listed.
 */
export function staleKnownFailures(
  outcomes: Outcome[],
  list: KnownFailure[] = KNOWN_FAILURES,
): KnownFailure[] {
  const sweep = outcomes.filter((o) => o.phase === 'sweep' || o.phase === 'service');
  return list.filter(
    (entry) =>
      !sweep.some((outcome) =>
        outcome.violations.some((violation) => matches(entry, outcome, violation.check)),
      ),
  );
}

/** One line per cause: the known entry (or `unlisted`), with where and how often it was seen. */
export function summarizeCauses(groups: FailureGroup[]) {
  const causes = new Map<
    string,
    {
      cause: string;
      requests: number;
      checks: Set<string>;
      operations: Set<string>;
      inputs: Set<string>;
    }
  >();
  for (const group of groups) {
    const entry = KNOWN_FAILURES.find((k) => k.id === group.known);
    const id = group.known ?? `unlisted: ${group.check} ${group.status} ${group.shortBody}`;
    const cause = causes.get(id) ?? {
      cause: entry ? `${entry.cause} (fixed by: ${entry.owner})` : 'not in known-failures.ts',
      requests: 0,
      checks: new Set(),
      operations: new Set(),
      inputs: new Set(),
    };
    cause.requests += group.count;
    cause.checks.add(`${group.status} ${group.check}`);
    cause.operations.add(group.op);
    for (const input of group.input.split(' + ')) cause.inputs.add(input);
    causes.set(id, cause);
  }
  return [...causes.entries()].map(([id, c]) => ({
    id,
    cause: c.cause,
    requests: c.requests,
    checks: [...c.checks],
    operations: [...c.operations].sort(),
    inputs: [...c.inputs].sort(),
  }));
}

export function describeGroup(group: FailureGroup, seed: number): string {
  const { request } = group.example;
  return [
    `${group.op} | ${group.input} [${group.targets.join(', ')}] → ${group.status} ${group.check} (${group.example.detail}) ×${group.count}`,
    `  body: ${group.shortBody}`,
    `  replay: FUZZ_SEED=${seed} FUZZ_ONLY='${group.op}' (${group.example.phase} case ${group.example.index}, credential ${group.example.credential})`,
    `  request: ${request.method} ${request.path}`,
    `  headers: ${JSON.stringify(request.headers)}`,
    ...(request.body !== undefined ? [`  body sent: ${request.body}`] : []),
  ].join('\n');
}

export function writeReport(file: string, report: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}
