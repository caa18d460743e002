import { demoWorkflow } from '@fenta/db';
import type { ApiTestbed, TestCaller } from './api-fixture';

/** What a response's JSON error body says. */
export interface ErrorOf {
  code: string;
  message: string;
  details?: unknown;
  request_id: string;
}

export const errorOf = (response: { json(): unknown }) => (response.json() as { error: ErrorOf }).error;

/** Seed 000's sample graph, as a fresh copy a test may change. */
export function sampleGraph(): { nodes: Array<Record<string, any>>; edges: Array<Record<string, any>> } {
  return structuredClone(demoWorkflow.graph) as never;
}

/** Seed 000's sample graph with the voice speed changed: a valid graph that differs from the sample. */
export function graphWithSpeed(speed: number) {
  const graph = sampleGraph();
  graph.nodes[2]!.params = { ...graph.nodes[2]!.params, speed };
  return graph;
}

/** Requests of one caller against the testbed's app. */
export function requestsOf(bed: ApiTestbed) {
  return {
    get: (caller: TestCaller, url: string, headers: Record<string, string> = {}) =>
      bed.app.inject({ method: 'GET', url, headers: { ...caller.headers, ...headers } }),
    send: (caller: TestCaller, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
      bed.app.inject({ method, url, headers: { ...caller.headers, ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) }),
  };
}

/** The audit entries of one resource, oldest first. */
export async function auditOf(bed: ApiTestbed, resourceId: string) {
  return bed.database.query<{ org_id: string; user_id: string; action: string; resource_type: string; changes: unknown }>(
    `SELECT org_id, user_id, action, resource_type, changes FROM audit_logs WHERE resource_id = $1 ORDER BY created_at, id`,
    [resourceId],
  );
}
