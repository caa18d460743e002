import { Type, type TSchema } from '@sinclair/typebox';
import { errorCodes, type ErrorCode } from '@fenta/core';

/** Codes any /v1 route may answer with, besides its own: authentication, a bad request, a lost dependency. */
export const v1ErrorCodes: ErrorCode[] = [
  'AUTH_REQUIRED',
  'AUTH_KEY_INVALID',
  'AUTH_KEY_REVOKED',
  'AUTH_KEY_EXPIRED',
  'SCOPE_MISSING',
  'RATE_LIMITED',
  'REQUEST_INVALID',
  'REQUEST_BODY_MALFORMED',
  'REQUEST_BODY_EMPTY',
  'REQUEST_TOO_LARGE',
  'REQUEST_CONTENT_TYPE_UNSUPPORTED',
  'DB_UNREACHABLE',
  'REDIS_UNREACHABLE',
  'INTERNAL',
];

/**
 * The error responses of a route for its OpenAPI document: one per status,
 * each listing the registry codes it carries (`x-error-codes`, also in its
 * description), so a client knows every code a route can answer with and a
 * test can check each is documented.
 */
export function errorResponses(...codes: ErrorCode[]): Record<number, TSchema> {
  const byStatus = new Map<number, Set<ErrorCode>>();
  for (const code of [...codes, ...v1ErrorCodes]) {
    const { status } = errorCodes[code];
    byStatus.set(status, (byStatus.get(status) ?? new Set()).add(code));
  }
  return Object.fromEntries(
    [...byStatus].map(([status, set]) => {
      const listed = [...set].sort();
      return [
        status,
        Type.Object(
          {
            error: Type.Object({
              code: Type.Union(listed.map((code) => Type.Literal(code))),
              message: Type.String(),
              details: Type.Optional(Type.Unknown()),
              request_id: Type.String(),
            }),
          },
          { description: `Error: ${listed.join(', ')} (see docs/errors.md).`, 'x-error-codes': listed },
        ),
      ];
    }),
  );
}
