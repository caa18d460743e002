import { rm } from 'node:fs/promises';
import type { RunningServices } from './running-services';

export default async function globalTeardown(): Promise<void> {
  const services = (globalThis as { fentaTestServices?: RunningServices }).fentaTestServices;
  if (!services) return;
  for (const stop of services.stops.reverse()) await stop();
  await rm(services.root, { recursive: true, force: true });
}
