import { z } from 'zod';
import { optionalPortSchema, parseEnv, portSchema, publicUrlSchema, urlSchema } from './parse-env';

const schema = z.object({
  DATABASE_URL: urlSchema('postgres:', 'postgresql:'),
  FENTA_API_PORT: portSchema.default(8080),
});

describe('parseEnv', () => {
  it('applies defaults and coerces numbers', () => {
    expect(parseEnv(schema, { DATABASE_URL: 'postgres://u:p@h:5432/d' })).toEqual({
      DATABASE_URL: 'postgres://u:p@h:5432/d',
      FENTA_API_PORT: 8080,
    });
    expect(parseEnv(schema, { DATABASE_URL: 'postgresql://h/d', FENTA_API_PORT: '9000' }).FENTA_API_PORT).toBe(9000);
  });

  it('names every wrong variable and what is expected of it, in one error', () => {
    let caught: unknown;
    try {
      parseEnv(schema, { DATABASE_URL: 'mysql://h/d', FENTA_API_PORT: '70000' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'Configuration is invalid: DATABASE_URL: must be a URL starting with postgres:// or postgresql://; FENTA_API_PORT: must be between 1 and 65535',
    });
  });

  it('reports a missing required variable', () => {
    expect(() => parseEnv(schema, {})).toThrow(/^Configuration is invalid: DATABASE_URL: /);
  });
});

describe('optionalPortSchema', () => {
  const health = z.object({ FENTA_HEALTH_PORT: optionalPortSchema });

  it('reads unset and empty as off, a number as the port', () => {
    expect(parseEnv(health, {})).toEqual({ FENTA_HEALTH_PORT: undefined });
    expect(parseEnv(health, { FENTA_HEALTH_PORT: '' })).toEqual({ FENTA_HEALTH_PORT: undefined });
    expect(parseEnv(health, { FENTA_HEALTH_PORT: '9464' })).toEqual({ FENTA_HEALTH_PORT: 9464 });
  });

  it('refuses what is not a port, naming the variable', () => {
    expect(() => parseEnv(health, { FENTA_HEALTH_PORT: '0' })).toThrow('Configuration is invalid: FENTA_HEALTH_PORT: must be between 1 and 65535');
    expect(() => parseEnv(health, { FENTA_HEALTH_PORT: 'http' })).toThrow('Configuration is invalid: FENTA_HEALTH_PORT: must be a port number');
  });
});

describe('publicUrlSchema', () => {
  const links = z.object({ FENTA_PUBLIC_URL: publicUrlSchema.default('http://127.0.0.1:8080') });

  it('takes a base URL, with or without a path, and drops trailing slashes', () => {
    expect(parseEnv(links, {})).toEqual({ FENTA_PUBLIC_URL: 'http://127.0.0.1:8080' });
    expect(parseEnv(links, { FENTA_PUBLIC_URL: 'https://api.example.com/' })).toEqual({ FENTA_PUBLIC_URL: 'https://api.example.com' });
    expect(parseEnv(links, { FENTA_PUBLIC_URL: 'https://example.com/fenta//' })).toEqual({ FENTA_PUBLIC_URL: 'https://example.com/fenta' });
  });

  it('refuses other schemes, credentials, a query and a fragment, naming the variable', () => {
    expect(() => parseEnv(links, { FENTA_PUBLIC_URL: 'ftp://example.com' })).toThrow(
      'Configuration is invalid: FENTA_PUBLIC_URL: must be a URL starting with http:// or https://',
    );
    for (const value of ['https://user:pw@example.com', 'https://example.com/?a=1', 'https://example.com/#top']) {
      expect(() => parseEnv(links, { FENTA_PUBLIC_URL: value })).toThrow(
        'Configuration is invalid: FENTA_PUBLIC_URL: must be a base URL without credentials, query or fragment, such as https://api.example.com',
      );
    }
  });
});
