import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';

/** A request the receiver got. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** How the receiver answers the nth request (0-based). */
export type Answer = (request: ReceivedRequest, index: number, response: ServerResponse) => unknown;

export interface Receiver {
  url: string;
  port: number;
  /** The exact socket a policy's allowSockets names to let deliveries reach only this receiver. */
  socket: string;
  requests: ReceivedRequest[];
  /** Resolves when the receiver has had `count` requests. */
  received(count: number): Promise<void>;
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 that records every request and answers as told. */
export async function startReceiver(answer: Answer = (_request, _index, response) => response.end('ok')): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const received = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body };
      const index = requests.push(received) - 1;
      for (const waiter of waiters.filter((candidate) => requests.length >= candidate.count)) waiter.resolve();
      void answer(received, index, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    socket: `127.0.0.1:${port}`,
    requests,
    received: (count) => (requests.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A TCP listener on 127.0.0.1 that only counts connections: what must stay at zero when a delivery is refused. */
export async function startConnectionCounter(): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
