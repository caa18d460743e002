import { errorCodes, type ErrorCode } from './error-codes';

export type ErrorParams = Record<string, string | number | boolean>;

/** An error that carries a registry code, the params of its message, and structured details. */
export class FentaError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Whether trying the same work again may succeed (from the registry). */
  readonly retryable: boolean;
  readonly params: ErrorParams;
  readonly details: unknown;

  constructor(code: ErrorCode, params: ErrorParams = {}, options: { details?: unknown; cause?: unknown } = {}) {
    super(formatMessage(errorCodes[code].message, params), { cause: options.cause });
    this.name = 'FentaError';
    this.code = code;
    this.status = errorCodes[code].status;
    this.retryable = errorCodes[code].retryable;
    this.params = params;
    this.details = options.details;
  }

  /** The body every API answers with on error: `{ error: { code, message, details } }`. */
  toBody(): { error: { code: ErrorCode; message: string; details?: unknown } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export function isFentaError(error: unknown): error is FentaError {
  return error instanceof FentaError;
}

/** Replaces `{name}` placeholders; a placeholder without a param stays visible so the gap is noticed. */
export function formatMessage(template: string, params: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole));
}
