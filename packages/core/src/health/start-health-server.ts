import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { FentaError } from '../errors/fenta-error';
import { runReadinessChecks, type ReadinessCheck } from './readiness-checks';

export interface HealthServerOptions {
  host: string;
  /** 0 picks a free port (tests); the bound one is in the result. */
  port: number;
  /** Names the process in logs and in a PORT_IN_USE error, e.g. `worker`. */
  service: string;
  checks: Record<string, ReadinessCheck>;
  logger: Logger;
  /** The variable that sets the port, named when it is taken. */
  portVariable?: string;
  timeoutMs?: number;
}

export interface RunningHealthServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `GET /healthz` (the event loop answers: 200 `{"status":"ok"}`) and
 * `GET /readyz` (every check: 200, or 503 naming each failing one) on a port
 * of its own, for processes that have no HTTP server otherwise.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<RunningHealthServer> {
  const server = createServer((request, response) => {
    void answer(request, response, options).catch((error: unknown) => {
      options.logger.error({ err: error }, 'health probe failed');
      if (!response.headersSent) send(response, 500, new FentaError('INTERNAL').toBody());
    });
  });
  // A probe that holds its connection open must not keep a stopping process alive.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE') return reject(error);
      reject(
        new FentaError(
          'PORT_IN_USE',
          { port: options.port, host: options.host, service: `${options.service} health`, variable: options.portVariable ?? 'FENTA_HEALTH_PORT' },
          { cause: error },
        ),
      );
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  options.logger.info({ url }, 'health server listening');
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function answer(request: IncomingMessage, response: ServerResponse, options: HealthServerOptions): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  const method = request.method ?? 'GET';
  if ((method === 'GET' || method === 'HEAD') && path === '/healthz') return send(response, 200, { status: 'ok' });
  if ((method === 'GET' || method === 'HEAD') && path === '/readyz') {
    const report = await runReadinessChecks(options.checks, { timeoutMs: options.timeoutMs });
    if (!report.ready) options.logger.warn({ checks: report.body.checks }, 'not ready');
    return send(response, report.ready ? 200 : 503, report.body);
  }
  send(response, 404, new FentaError('NOT_FOUND', { method, url: path ?? '/' }).toBody());
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(response.req.method === 'HEAD' ? undefined : text);
}
