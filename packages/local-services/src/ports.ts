import net from 'node:net';
import { FentaError } from '@fenta/core';

/** True when nothing listens on host:port (we could bind it ourselves). */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the OS says is free right now on host. */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Fails with PORT_IN_USE, naming the variable that moves the service elsewhere. */
export async function assertPortFree(options: { host: string; port: number; service: string; variable: string }): Promise<void> {
  if (!(await isPortFree(options.host, options.port))) {
    throw new FentaError('PORT_IN_USE', {
      host: options.host,
      port: options.port,
      service: options.service,
      variable: options.variable,
    });
  }
}
