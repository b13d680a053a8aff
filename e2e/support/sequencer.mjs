// jest test sequencer: jest's own order (failed first, then slowest first), except that the
// full-stack suites (e2e/full-stack*.e2e-spec.ts) go last. Each runs seven service processes for
// a minute or two; started first (they are the slowest) they would share the machine with nearly
// every other suite, and suites that race timers against a loaded 2-core machine would suffer.
// Last, they overlap only with the other worker's final suite, and not with each other: the
// second one waits for the first one's stack to stop (a lock in e2e/support/stack.ts).
import jestSequencer from '@jest/test-sequencer';

const Sequencer = jestSequencer.default ?? jestSequencer;
const isFullStack = (test) => /[\\/]e2e[\\/]full-stack[^\\/]*\.e2e-spec\.ts$/.test(test.path);

export default class FullStackLastSequencer extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    return [...ordered.filter((t) => !isFullStack(t)), ...ordered.filter(isFullStack)];
  }
}
