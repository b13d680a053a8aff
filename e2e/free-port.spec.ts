import { readFileSync } from 'node:fs';
import net from 'node:net';
import { freePort, freePortBlock, portIsFree } from '../scripts/lib/proc.mjs';

/**
 * The ports the suites, the bench and the embedded PostgreSQL pick for themselves: below the
 * kernel's ephemeral range, so an outgoing connection cannot take one between the pick and the
 * listen (a suite once failed EADDRINUSE on a `listen(0)` port), and free when picked.
 */
const ephemeralLow = Number(
  readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').split(/\s+/)[0],
);

function listenOn(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(server));
  });
}

const closeAll = (servers: net.Server[]) =>
  Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));

describe('freePort and freePortBlock', () => {
  it('pick ports below the ephemeral range that can be listened on (100 picks, held open)', async () => {
    const held: net.Server[] = [];
    try {
      for (let pick = 0; pick < 100; pick += 1) {
        const port = await freePort();
        expect(port).toBeGreaterThanOrEqual(20000);
        expect(port).toBeLessThan(ephemeralLow);
        held.push(await listenOn(port));
        expect(await portIsFree(port)).toBe(false);
      }
    } finally {
      await closeAll(held);
    }
  });

  it('a block: every offset free and below the ephemeral range (50 picks, held open)', async () => {
    const offsets = [0, 1, 2, 5, 9];
    const held: net.Server[] = [];
    try {
      for (let pick = 0; pick < 50; pick += 1) {
        const base = await freePortBlock(offsets);
        expect(base % 10).toBe(0);
        for (const offset of offsets) {
          expect(base + offset).toBeLessThan(ephemeralLow);
          held.push(await listenOn(base + offset));
        }
      }
    } finally {
      await closeAll(held);
    }
  });
});
