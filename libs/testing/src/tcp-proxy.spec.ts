import net from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { TcpProxy } from './tcp-proxy';

/** An echo server, and what reached it. */
async function echoServer() {
  const received: string[] = [];
  const server = net.createServer((socket) =>
    socket.on('data', (chunk) => {
      received.push(chunk.toString());
      socket.write(chunk);
    }),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, received, port: (server.address() as net.AddressInfo).port };
}

async function connect(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const echoed: string[] = [];
  socket.on('data', (chunk) => echoed.push(chunk.toString()));
  const closed = once(socket, 'close').then(() => true);
  return { socket, echoed, closed: () => Promise.race([closed, sleep(200).then(() => false)]) };
}

async function until(done: () => boolean) {
  for (let i = 0; i < 100 && !done(); i++) await sleep(20);
  expect(done()).toBe(true);
}

describe('TcpProxy', () => {
  let echo: Awaited<ReturnType<typeof echoServer>>;
  let proxy: TcpProxy;

  beforeEach(async () => {
    echo = await echoServer();
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: echo.port });
  });
  afterEach(async () => {
    await proxy.stop();
    echo.server.close();
  });

  it('forwards both ways; a cut closes the connections and refuses new ones until restored', async () => {
    const client = await connect(proxy.port);
    client.socket.write('a');
    await until(() => client.echoed.join('') === 'a');
    await proxy.cut();
    expect(await client.closed()).toBe(true);
    const refused = net.connect(proxy.port, '127.0.0.1');
    const [error] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
    await proxy.restore();
    const again = await connect(proxy.port);
    again.socket.write('b');
    await until(() => again.echoed.join('') === 'b');
    again.socket.destroy();
  });

  it('a freeze passes nothing and closes nothing; the restore delivers what waited, in order', async () => {
    const client = await connect(proxy.port);
    client.socket.write('1');
    await until(() => client.echoed.join('') === '1');
    proxy.freeze();
    client.socket.write('2');
    client.socket.write('3');
    const late = await connect(proxy.port); // accepted during the freeze
    late.socket.write('x');
    await sleep(300);
    expect(echo.received.join('')).toBe('1');
    expect(client.echoed.join('')).toBe('1');
    expect(await client.closed()).toBe(false);
    expect(proxy.openConnections).toBe(2);
    await proxy.restore();
    await until(() => client.echoed.join('') === '123' && late.echoed.join('') === 'x');
    client.socket.destroy();
    late.socket.destroy();
  });
});
