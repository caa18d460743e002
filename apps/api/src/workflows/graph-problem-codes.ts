import { errorCodes, type ErrorCode } from '@fenta/core';

/**
 * The codes validateGraph may answer with: every GRAPH_* code and
 * NODE_PARAM_INVALID. Taken from the registry rather than listed, so a graph
 * problem code added to @fenta/graph is in the routes' documents at once.
 */
export const graphProblemCodes: ErrorCode[] = [...(Object.keys(errorCodes) as ErrorCode[]).filter((code) => code.startsWith('GRAPH_')), 'NODE_PARAM_INVALID'];
