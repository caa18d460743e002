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

  it('documents every code in docs/errors.md', () => {
    const doc = readFileSync(path.join(__dirname, '..', '..', '..', '..', 'docs', 'errors.md'), 'utf8');
    const undocumented = Object.keys(errorCodes).filter((code) => !doc.includes(`\`${code}\``));
    expect(undocumented).toEqual([]);
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
