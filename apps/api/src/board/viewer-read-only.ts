import type { AfterHook } from '@bull-board/api/dist/types.js';
import type { BoardLogins } from './board-logins';

/**
 * Bull Board's `after` hook: the viewer's queue list marks every queue
 * read-only (no retries), so its UI offers none of the actions the server
 * refuses it (see `boardGate`). Only how the board looks: the refusal is the
 * gate's, on every request.
 */
export function viewerSeesReadOnly(logins: BoardLogins): AfterHook {
  return (context, result) => {
    if (context.route !== '/api/queues' || !isViewer(logins, context.request.headers.authorization)) return result;
    const body = result.body as { queues?: Array<Record<string, unknown>> };
    if (!Array.isArray(body.queues)) return result;
    return {
      ...result,
      body: { ...body, queues: body.queues.map((queue) => ({ ...queue, readOnlyMode: true, allowRetries: false, allowCompletedRetries: false })) },
    };
  };
}

function isViewer(logins: BoardLogins, authorization: string | undefined): boolean {
  const login = logins.check(authorization);
  return login.kind === 'role' && login.role === 'viewer';
}
