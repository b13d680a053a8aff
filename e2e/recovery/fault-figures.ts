// The figures of one fault under load, from the clients' answers: flows in flight when it hit,
// client-visible errors by status, and how long after a reference moment (the service healthy
// again, or the fault itself when nothing went down) the last error came.
import { Answered, CheckoutLoad, Flow } from './checkout-load';

export interface FaultFigures {
  fault: string;
  /** flows started before the fault and not finished when it hit */
  flowsInFlight: number;
  /** flows that ran (at least partly) from the fault to the end of the load */
  flows: number;
  /** non-2xx answers from the fault on, by status (0: no answer) */
  errorsByStatus: Record<string, number>;
  /** 409s and 503s by problem type, from the fault on */
  errorsByProblem: Record<string, number>;
  /** seconds from `from` to the last error answer (0 when none came after it) */
  secondsToErrorFree: number;
  /** longest a flow that was running at `from` still took to finish after it (seconds) */
  longestFlowAfter: number;
  /** flows that gave up (a deadline, or a refusal that should not happen) */
  failedFlows: string[];
  /** 500 answers over the whole load, fault or not */
  internalErrors: number;
}

const isError = (a: Answered) => a.status === 0 || a.status >= 400;
const seconds = (ms: number) => Math.round(ms / 100) / 10;

function count(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

export function faultFigures(
  fault: string,
  load: CheckoutLoad,
  faultAt: number,
  from: number,
): FaultFigures {
  const answers = load.answers();
  const afterFault = answers.filter((a) => a.at >= faultAt && isError(a));
  const lastError = afterFault.at(-1)?.at ?? 0;
  const runningAt = (at: number) => (f: Flow) => f.startedAt <= at && (f.endedAt ?? Infinity) > at;
  return {
    fault,
    flowsInFlight: load.flows.filter(runningAt(faultAt)).length,
    flows: load.flows.filter((f) => (f.endedAt ?? Infinity) > faultAt).length,
    errorsByStatus: count(afterFault.map((a) => String(a.status))),
    errorsByProblem: count(afterFault.map((a) => `${a.status} ${a.problem ?? '(none)'}`)),
    secondsToErrorFree: seconds(Math.max(0, lastError - from)),
    longestFlowAfter: seconds(
      Math.max(0, ...load.flows.filter(runningAt(from)).map((f) => (f.endedAt ?? 0) - from)),
    ),
    failedFlows: load.flows.filter((f) => f.failure).map((f) => f.failure!),
    internalErrors: answers.filter((a) => a.status === 500).length,
  };
}
