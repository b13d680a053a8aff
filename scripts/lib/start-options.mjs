// npm start's run mode and replica count, from its arguments and environment (scripts/start.mjs).
/**
 * `--replicas N` / `--replicas=N` / REPLICAS=N: 1 to 16 processes per service;
 * `--threads` / THREADS=true: every service in a worker thread of this process;
 * `--processes` / IN_PROCESS=false: every service a process of its own;
 * `--in-process` / IN_PROCESS=true, and the default without any of these: every service (the
 * gateway aside) in this process's event loop.
 * Throws an Error whose message says what is wrong with the arguments.
 */
export function startOptions(argv, env) {
  const fail = (message) => {
    throw new Error(message);
  };
  const at = argv.findIndex((a) => a === '--replicas' || a.startsWith('--replicas='));
  const raw =
    at < 0 ? env.REPLICAS : argv[at].includes('=') ? argv[at].split('=')[1] : argv[at + 1];
  const valueAt = at >= 0 && !argv[at].includes('=') ? at + 1 : -1;
  const rest = argv.filter((_, i) => i !== at && i !== valueAt);
  const FLAGS = ['--threads', '--in-process', '--processes'];
  const unknown = rest.filter((a) => !FLAGS.includes(a));
  if (unknown.length) {
    fail(
      `unknown argument(s) ${unknown.join(' ')} ` +
        '(known: --replicas N, --threads, --in-process, --processes)',
    );
  }
  const threads = rest.includes('--threads') || env.THREADS === 'true';
  const asked = {
    inProcess: rest.includes('--in-process') || env.IN_PROCESS === 'true',
    processes: rest.includes('--processes') || env.IN_PROCESS === 'false',
  };
  if (asked.inProcess && asked.processes) {
    fail('--in-process and --processes (or IN_PROCESS=false) ask for two different things');
  }
  let replicas = 1;
  if (raw !== undefined && raw !== '') {
    replicas = Number(raw);
    if (!Number.isInteger(replicas) || replicas < 1 || replicas > 16) {
      fail(`--replicas must be a whole number from 1 to 16, got "${raw}"`);
    }
  }
  if (threads && replicas > 1) {
    // a thread per service is about memory on one machine; replicas are about more cores and
    // surviving a process's crash: the two do not combine (README "Threads")
    fail(`--threads runs one thread per service: it does not combine with --replicas ${replicas}`);
  }
  if (asked.inProcess && (threads || replicas > 1)) {
    fail('--in-process runs every service in this one process: not with --threads or --replicas');
  }
  if (asked.processes && threads) {
    fail('--processes runs every service as a process of its own: not with --threads');
  }
  // the default on one machine: the least memory and CPU (README "npm start in detail");
  // replicas are processes, threads are threads
  const inProcess = !threads && replicas === 1 && !asked.processes;
  return { replicas, threads, inProcess };
}
