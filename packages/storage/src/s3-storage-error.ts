import { STATUS_CODES } from 'node:http';
import { FentaError } from '@fenta/core';

interface S3ErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** True when S3 says the object does not exist (NoSuchKey on GET, a bare 404 on HEAD). A missing bucket is not this. */
export function isS3ObjectMissing(error: unknown): boolean {
  const { name, $metadata } = error as S3ErrorShape;
  return name === 'NoSuchKey' || (name === 'NotFound' && $metadata?.httpStatusCode === 404);
}

/**
 * STORAGE_FAILED for an S3 failure. The SDK's error is deliberately not kept
 * as the cause: S3 echoes fields such as AWSAccessKeyId and the canonical
 * request back in error bodies, and the SDK copies them onto the error, where
 * a logger would print them. Only its name, status and message survive, with
 * every configured credential blanked out of the text.
 */
export function s3StorageError(operation: string, key: string, error: unknown, credentials: readonly (string | undefined)[]): FentaError {
  const { name, message, $metadata } = error as S3ErrorShape;
  const status = $metadata?.httpStatusCode;
  const reason = redact(describeFailure(name, message, status), credentials);
  return new FentaError(
    'STORAGE_FAILED',
    { operation, key, reason },
    { details: { errorName: redact(name ?? 'Error', credentials), ...(status === undefined ? {} : { httpStatus: status }) } },
  );
}

function describeFailure(name: string | undefined, message: string | undefined, status: number | undefined): string {
  // A HEAD response has no body to name the error, so the SDK can only say "Unknown".
  if (status !== undefined && (name === undefined || name === 'Unknown')) return `HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trim();
  const label = status === undefined ? (name ?? 'Error') : `${name} (HTTP ${status})`;
  return message && message !== name ? `${label}: ${message}` : label;
}

function redact(text: string, credentials: readonly (string | undefined)[]): string {
  return credentials.reduce<string>((result, secret) => (secret ? result.split(secret).join('[redacted]') : result), text);
}
