// CPU and memory of the processes the bench measures, read from /proc (Linux), and of the
// machine (/proc/stat). PostgreSQL's backends come and go (pools open connections as load rises,
// autovacuum workers run for a while): a sampler lists them every second from pg_stat_activity
// and keeps each one's CPU time, so that a backend that ended during a window still counts, and
// one that started during it counts from zero.
import { readFileSync } from 'node:fs';
import pidusage from 'pidusage';

const CLK_TCK = 100; // USER_HZ of /proc/<pid>/stat and /proc/stat on every Linux Node runs on
const HAS_PROC = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/** {cpuMs (utime + stime), startTicks} of a process, or undefined when it is gone. */
function procStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces: the fields after it start after the last ')'
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK,
      startTicks: Number(f[19]),
      ppid: Number(f[1]),
    };
  } catch {
    return undefined;
  }
}

/** CPU time (ms) of each pid that can be read (pidusage where there is no /proc). */
export async function cpuOf(pids) {
  const out = new Map();
  if (HAS_PROC) {
    for (const pid of pids) {
      const s = procStat(pid);
      if (s) out.set(pid, s.cpuMs);
    }
    return out;
  }
  if (pids.length === 0) return out;
  try {
    const stats = await pidusage([...pids]);
    for (const s of Object.values(stats)) if (s) out.set(s.pid, s.ctime);
  } catch {
    /* one of them is gone */
  }
  return out;
}

/** Resident memory (KiB) of a process, or undefined. */
export async function rssKiB(pid) {
  if (HAS_PROC) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) : undefined;
    } catch {
      return undefined;
    }
  }
  try {
    return Math.round((await pidusage(pid)).memory / 1024);
  } catch {
    return undefined;
  }
}

/** The machine's CPU time in ms: busy (user + nice + system) and total (all cores). */
export function machineCpu() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9);
    const n = f.map(Number);
    return {
      busy: ((n[0] + n[1] + n[2]) * 1000) / CLK_TCK,
      total: (n.reduce((a, b) => a + b, 0) * 1000) / CLK_TCK,
    };
  } catch {
    return undefined;
  }
}

/** The machine's boot-relative clock in ticks, to tell whether a process started in a window. */
function uptimeTicks() {
  try {
    return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * CLK_TCK;
  } catch {
    return undefined;
  }
}

/**
 * Follows the PostgreSQL processes of the bench's databases (client backends and autovacuum
 * workers, by database) and the server's shared processes (postmaster, checkpointer, WAL writer,
 * background writer, launchers: they work for every database on the server, other sessions'
 * too). `sample()` reads them; `window()` starts a window, whose `end()` gives CPU ms by group.
 */
export class PgProcesses {
  /**
   * @param {import('pg').Client} admin a connection to the server's admin database
   * @param {Map<string, string>} groupOfDatabase database name → group (the service's name)
   */
  constructor(admin, groupOfDatabase) {
    this.admin = admin;
    this.groupOfDatabase = groupOfDatabase;
    /** pid → {group, first: {cpuMs, startTicks}, last: cpuMs} for the current window */
    this.seen = new Map();
    this.windowStartTicks = undefined;
    this.timer = undefined;
  }

  async list() {
    const { rows } = await this.admin.query(
      `SELECT pid, datname, backend_type FROM pg_stat_activity WHERE pid <> pg_backend_pid()`,
    );
    const out = [];
    let postmaster;
    for (const r of rows) {
      const group = r.datname ? this.groupOfDatabase.get(r.datname) : 'pg shared';
      if (!r.datname && r.backend_type !== 'client backend') {
        out.push({ pid: r.pid, group: 'pg shared' });
        postmaster ??= HAS_PROC ? procStat(r.pid)?.ppid : undefined;
      } else if (group) out.push({ pid: r.pid, group });
    }
    if (postmaster > 1) out.push({ pid: postmaster, group: 'pg shared' });
    return out;
  }

  async sample() {
    for (const { pid, group } of await this.list()) {
      const s = HAS_PROC ? procStat(pid) : undefined;
      const cpu = s ? s.cpuMs : (await cpuOf([pid])).get(pid);
      if (cpu === undefined) continue;
      const known = this.seen.get(pid);
      if (known && known.startTicks === s?.startTicks) known.last = cpu;
      else {
        // a process that started after the window began spent all its CPU inside it
        const startedInside =
          s && this.windowStartTicks !== undefined && s.startTicks >= this.windowStartTicks;
        this.seen.set(pid, {
          group,
          startTicks: s?.startTicks,
          first: startedInside ? 0 : cpu,
          last: cpu,
        });
      }
    }
  }

  /** Starts a window (and samples every second until end()). */
  async window() {
    this.seen = new Map();
    this.windowStartTicks = uptimeTicks();
    await this.sample();
    this.timer = setInterval(() => void this.sample().catch(() => undefined), 1000);
    return {
      end: async () => {
        clearInterval(this.timer);
        await this.sample();
        const byGroup = new Map();
        for (const p of this.seen.values()) {
          byGroup.set(p.group, (byGroup.get(p.group) ?? 0) + (p.last - p.first));
        }
        return byGroup;
      },
    };
  }
}
