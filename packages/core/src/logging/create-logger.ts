import pino, { type Logger, type LoggerOptions } from 'pino';
import { redactSecrets, redactUrlsIn } from './redact-secrets';

export type { Logger } from 'pino';

/**
 * What makes a pino logger leave secrets out: the logged object and the
 * message both pass through redactSecrets, so a careless `log.info({ req })`
 * or a URL with a key in a message cannot leak them.
 */
export const redactingOptions: Pick<LoggerOptions, 'formatters' | 'hooks'> = {
  formatters: { log: (object) => redactSecrets(object) as Record<string, unknown> },
  hooks: {
    logMethod(args, method) {
      method.apply(this, args.map((arg) => (typeof arg === 'string' ? redactUrlsIn(arg) : arg)) as Parameters<typeof method>);
    },
  },
};

/** Creates the pino logger a process uses; `service` names the process in every line. */
export function createLogger(options: { service: string; level?: string; destination?: pino.DestinationStream }): Logger {
  const loggerOptions: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: options.service },
    ...redactingOptions,
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(loggerOptions, options.destination) : pino(loggerOptions);
}

/** Replaces the password of a connection URL so it can be shown in logs and errors. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '[unparseable url]';
  }
}
