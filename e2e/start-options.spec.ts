import fc from 'fast-check';
import { startOptions } from '../scripts/lib/start-options.mjs';

/**
 * npm start's run mode: one event loop unless asked otherwise (`--processes`, IN_PROCESS=false,
 * `--threads`, `--replicas N` > 1), and a refusal, never a guess, when the asks disagree.
 */
describe('npm start options', () => {
  it('runs the seven in one event loop when nothing is asked', () => {
    expect(startOptions([], {})).toEqual({ replicas: 1, threads: false, inProcess: true });
    expect(startOptions(['--replicas', '1'], { IN_PROCESS: '' })).toEqual({
      replicas: 1,
      threads: false,
      inProcess: true,
    });
  });

  it.each([
    [['--processes'], {}],
    [[], { IN_PROCESS: 'false' }],
    [['--replicas', '2'], {}],
    [['--replicas=3'], { IN_PROCESS: 'false' }],
    [[], { REPLICAS: '4' }],
  ])('runs a process per service for %j %j', (argv, env) => {
    const options = startOptions(argv, env);
    expect(options.inProcess).toBe(false);
    expect(options.threads).toBe(false);
  });

  it.each([
    [['--in-process', '--processes'], {}, /two different things/],
    [['--processes'], { IN_PROCESS: 'true' }, /two different things/],
    [['--processes', '--threads'], {}, /not with --threads/],
    [['--in-process', '--replicas', '2'], {}, /not with --threads or --replicas/],
    [['--threads'], { REPLICAS: '2' }, /does not combine/],
    [['--replicas', '17'], {}, /1 to 16/],
    [['--fast'], {}, /unknown argument/],
  ])('refuses %j %j', (argv, env, message) => {
    expect(() => startOptions(argv, env)).toThrow(message);
  });

  it('follows the rules on generated arguments and environments', () => {
    const flag = fc.constantFrom('--threads', '--in-process', '--processes');
    const envValue = fc.constantFrom(undefined, '', 'true', 'false');
    fc.assert(
      fc.property(
        fc.uniqueArray(flag, { maxLength: 3 }),
        fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
        fc.boolean(),
        fc.record({ THREADS: envValue, IN_PROCESS: envValue }),
        (flags, replicaArg, replicasInEnv, env) => {
          const argv: string[] = [...flags];
          const environment: Record<string, string | undefined> = { ...env };
          if (replicaArg !== undefined) {
            if (replicasInEnv) environment.REPLICAS = String(replicaArg);
            else argv.push('--replicas', String(replicaArg));
          }
          const threads = flags.includes('--threads') || env.THREADS === 'true';
          const askedIn = flags.includes('--in-process') || env.IN_PROCESS === 'true';
          const askedProcesses = flags.includes('--processes') || env.IN_PROCESS === 'false';
          const replicas = replicaArg ?? 1;
          const refused =
            (askedIn && askedProcesses) ||
            replicas < 1 ||
            replicas > 16 ||
            (threads && replicas > 1) ||
            (askedIn && (threads || replicas > 1)) ||
            (askedProcesses && threads);
          if (refused) {
            expect(() => startOptions(argv, environment)).toThrow();
            return;
          }
          const options = startOptions(argv, environment);
          expect(options.replicas).toBe(replicas);
          expect(options.threads).toBe(threads);
          // exactly one mode: threads, a process per service (asked, or replicas), or one loop
          expect(options.inProcess).toBe(!threads && !askedProcesses && replicas === 1);
        },
      ),
      { numRuns: 500 },
    );
  });
});
