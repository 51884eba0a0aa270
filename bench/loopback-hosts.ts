import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// Many "hosts" on this machine: 127.0.0.1, 127.0.0.2, … each its own HTTP server on one shared
// port, so a client sees as many hosts (and paces, queues and connects per host) as it would on
// the web, with no traffic leaving loopback.

export interface LoopbackHosts {
  /** The port every host listens on. */
  port: number;
  /** `127.0.0.<n>` for n = 1 … count. */
  hosts: string[];
  close(): Promise<void>;
}

export async function startLoopbackHosts(count: number, handler: (host: string, req: IncomingMessage, res: ServerResponse) => void): Promise<LoopbackHosts> {
  if (count < 1 || count > 254) throw new Error(`loopback hosts: 1 to 254, not ${count}`);
  const servers: Server[] = [];
  const hosts: string[] = [];
  let port = 0;
  for (let n = 1; n <= count; n++) {
    const host = `127.0.0.${n}`;
    const server = createServer((req, res) => handler(host, req, res));
    await new Promise<void>((r) => server.listen(port, host, r));
    if (port === 0) port = (server.address() as AddressInfo).port;
    servers.push(server);
    hosts.push(host);
  }
  return {
    port,
    hosts,
    close: () =>
      Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((r) => {
              s.close(() => r());
              s.closeAllConnections();
            }),
        ),
      ).then(() => undefined),
  };
}
