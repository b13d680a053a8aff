// jest test sequencer: jest's own order (failed first, then slowest first), except that the
// suites that start a whole stack (seven service processes, a minute or two each) go last.
// Started first (they are the slowest) they would share the machine with nearly every other
// suite, and suites that race timers against a loaded 2-core machine would suffer. Last, they
// overlap only with the other worker's final suites, and not with each other: the second waits
// for the first one's stack to stop (a lock in e2e/support/stack.ts).
import jestSequencer from '@jest/test-sequencer';

const Sequencer = jestSequencer.default ?? jestSequencer;
/** e2e/full-stack*.e2e-spec.ts, e2e/saga/, e2e/recovery/ (crashes injected into a stack), e2e/replicas/ */
const FULL_STACK_SUITES = [
  /[\\/]e2e[\\/]full-stack[^\\/]*\.e2e-spec\.ts$/,
  /[\\/]e2e[\\/](saga|recovery|replicas)[\\/][^\\/]+\.e2e-spec\.ts$/,
];
const isFullStack = (test) => FULL_STACK_SUITES.some((pattern) => pattern.test(test.path));

export default class FullStackLastSequencer extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    return [...ordered.filter((t) => !isFullStack(t)), ...ordered.filter(isFullStack)];
  }
}
