import type { FastifySchemaValidationError } from 'fastify';

/** One field that failed a route's schema: where (`body.items[0].id`) and what is wrong with it. */
export interface ValidationProblem {
  path: string;
  message: string;
}

/**
 * Turns Fastify's (ajv's) validation errors into problems naming the field,
 * also when the field is missing (ajv then points at its parent).
 */
export function validationProblems(location: string, issues: FastifySchemaValidationError[]): ValidationProblem[] {
  return issues.map((issue) => {
    const segments = issue.instancePath
      .split('/')
      .slice(1)
      .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
    const missing = issue.params.missingProperty ?? issue.params.additionalProperty;
    if (typeof missing === 'string') segments.push(missing);
    return { path: formatPath([location, ...segments]), message: describe(issue) };
  });
}

function describe(issue: FastifySchemaValidationError): string {
  if (issue.keyword === 'required' || issue.keyword === 'dependentRequired') return 'is required';
  if (issue.keyword === 'additionalProperties') return 'is not allowed';
  if (issue.keyword === 'enum' && Array.isArray(issue.params.allowedValues)) return `must be one of: ${issue.params.allowedValues.join(', ')}`;
  return issue.message ?? `fails ${issue.keyword}`;
}

// The same shape graph errors use: `nodes[2].params.speed`.
function formatPath(segments: string[]): string {
  return segments.reduce((text, segment) => (/^\d+$/.test(segment) ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment), '');
}
