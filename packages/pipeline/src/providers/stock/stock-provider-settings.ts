import type { AddressPolicy } from '@fenta/core';

/** What every remote stock provider can be tuned with; all optional, production defaults below. */
export interface RemoteStockSettings {
  /** The API's origin; tests point it at a fake server. */
  baseUrl?: string;
  /** Which addresses clip downloads may reach: public unicast only unless a test says otherwise. */
  downloadPolicy?: AddressPolicy;
  /** Largest clip file accepted, bytes (200 MB). */
  maxDownloadBytes?: number;
  /** Longest wait for a search answer (15 s). */
  requestTimeoutMs?: number;
  /** Longest wait for the next chunk of a download (30 s). */
  downloadTimeoutMs?: number;
  /** Result pages read per search term before trying the next one (3). */
  maxPagesPerQuery?: number;
}

/** The settings with every default filled in. */
export type ResolvedStockSettings = Required<Omit<RemoteStockSettings, 'baseUrl'>> & { baseUrl: string };

/** Fills in the production defaults. */
export function resolveStockSettings(settings: RemoteStockSettings, defaultBaseUrl: string): ResolvedStockSettings {
  return {
    baseUrl: (settings.baseUrl ?? defaultBaseUrl).replace(/\/+$/, ''),
    downloadPolicy: settings.downloadPolicy ?? {},
    maxDownloadBytes: settings.maxDownloadBytes ?? 200 * 1024 * 1024,
    requestTimeoutMs: settings.requestTimeoutMs ?? 15_000,
    downloadTimeoutMs: settings.downloadTimeoutMs ?? 30_000,
    maxPagesPerQuery: settings.maxPagesPerQuery ?? 3,
  };
}
