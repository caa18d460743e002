import { readFileSync } from 'node:fs';
import path from 'node:path';
import { errorCodes } from './error-codes';
import { FentaError, formatMessage } from './fenta-error';

describe('error registry', () => {
  it('names every code AREA_WHAT in upper snake case with a status and a description', () => {
    for (const [code, definition] of Object.entries(errorCodes)) {
      expect(code).toMatch(/^[A-Z]+(_[A-Z0-9]+)+$|^INTERNAL$/);
      expect(definition.status).toBeGreaterThanOrEqual(400);
      expect(definition.status).toBeLessThan(600);
      expect(definition.description.length).toBeGreaterThan(10);
    }
  });

  it('documents every code in docs/errors.md with its status and whether it is retried', () => {
    const doc = readFileSync(path.join(__dirname, '..', '..', '..', '..', 'docs', 'errors.md'), 'utf8');
    const documented = new Map(
      [...doc.matchAll(/^\| `([A-Z_0-9]+)` \| (\d+) \| (yes|no) \|/gm)].map((match) => [match[1], { status: Number(match[2]), retryable: match[3] === 'yes' }]),
    );
    const expected = Object.entries(errorCodes).map(([code, definition]) => [code, { status: definition.status, retryable: definition.retryable }]);
    expect(Object.entries(Object.fromEntries(expected.map(([code]) => [code, documented.get(code as string)])))).toEqual(expected);
  });
});

describe('FentaError', () => {
  it('fills the message template and carries status and details into the API body', () => {
    const error = new FentaError('PORT_IN_USE', { port: 8080, host: '127.0.0.1', service: 'api', variable: 'FENTA_API_PORT' }, { details: { port: 8080 } });
    expect(error.status).toBe(500);
    expect(error.toBody()).toEqual({
      error: {
        code: 'PORT_IN_USE',
        message: 'Port 8080 on 127.0.0.1 is already in use (api); set FENTA_API_PORT to a free port',
        details: { port: 8080 },
      },
    });
  });

  it('leaves a placeholder without a param visible', () => {
    expect(formatMessage('a {b} {c}', { b: 1 })).toBe('a 1 {c}');
  });
});
