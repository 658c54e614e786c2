import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the broker that a test can cut: `drop` kills the connections as a
 * network cut or broker crash would, `refuse` makes the broker unreachable, `blackhole`
 * keeps connections open but lets nothing through (a broker that stopped answering).
 */
export async function startTcpProxy(brokerUrl: string) {
  const broker = new URL(brokerUrl);
  const target = { host: broker.hostname, port: Number(broker.port || 5672) };
  const sockets = new Set<Socket>();
  let mode: 'forward' | 'blackhole' = 'forward';

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const server = createServer((client) => {
    track(client);
    const upstream = connect(target.port, target.host);
    track(upstream);
    client.on('data', (data) => void (mode === 'forward' && upstream.write(data)));
    upstream.on('data', (data) => void (mode === 'forward' && client.write(data)));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const proxied = new URL(brokerUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);

  const drop = () => {
    for (const socket of sockets) socket.destroy();
  };

  return {
    url: proxied.toString(),
    drop,
    blackhole() {
      mode = 'blackhole';
    },
    async refuse() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        drop();
      });
    },
    async restore() {
      mode = 'forward';
      if (!server.listening) await listen(port);
    },
    async close() {
      drop();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
