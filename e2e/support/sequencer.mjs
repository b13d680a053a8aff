// jest test sequencer: jest's own order (failed first, then slowest first), except that the
// suites that start a whole stack (full-stack, recovery) go last. Each runs seven service
// processes for a minute or two; started first (they are the slowest) they would share the
// machine with nearly every other suite, and suites that race timers against a loaded 2-core
// machine would suffer. Last, they overlap only with each other or the other worker's final
// suite.
import jestSequencer from '@jest/test-sequencer';

const Sequencer = jestSequencer.default ?? jestSequencer;
const isFullStack = (test) =>
  /[\\/]e2e[\\/](full-stack|recovery[\\/][^\\/]+)\.e2e-spec\.ts$/.test(test.path);

export default class FullStackLastSequencer extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    return [...ordered.filter((t) => !isFullStack(t)), ...ordered.filter(isFullStack)];
  }
}
