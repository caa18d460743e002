import { readApiEnv } from '../src/env';

const required = { DATABASE_URL: 'postgres://fenta@127.0.0.1:5432/fenta', REDIS_URL: 'redis://127.0.0.1:6379' };
const operator = 'correct horse battery';
const viewer = 'staple lemon cloud';

describe('Bull Board settings', () => {
  it('leave the board off when no password is set, or set empty', () => {
    for (const env of [required, { ...required, FENTA_BOARD_OPERATOR_PASSWORD: '', FENTA_BOARD_VIEWER_PASSWORD: '', FENTA_BOARD_PASSWORD: '' }]) {
      const parsed = readApiEnv(env);
      expect([parsed.FENTA_BOARD_OPERATOR_PASSWORD, parsed.FENTA_BOARD_VIEWER_PASSWORD]).toEqual([undefined, undefined]);
    }
  });

  it("read the operator's and the viewer's passwords", () => {
    const parsed = readApiEnv({ ...required, FENTA_BOARD_OPERATOR_PASSWORD: operator, FENTA_BOARD_VIEWER_PASSWORD: viewer });
    expect([parsed.FENTA_BOARD_OPERATOR_PASSWORD, parsed.FENTA_BOARD_VIEWER_PASSWORD]).toEqual([operator, viewer]);
  });

  it("take FENTA_BOARD_PASSWORD, the older name, as the operator's password", () => {
    expect(readApiEnv({ ...required, FENTA_BOARD_PASSWORD: operator }).FENTA_BOARD_OPERATOR_PASSWORD).toBe(operator);
    expect(readApiEnv({ ...required, FENTA_BOARD_PASSWORD: operator, FENTA_BOARD_OPERATOR_PASSWORD: operator }).FENTA_BOARD_OPERATOR_PASSWORD).toBe(operator);
    expect(readApiEnv({ ...required, FENTA_BOARD_PASSWORD: operator })).not.toHaveProperty('FENTA_BOARD_PASSWORD');
  });

  it('refuse a password under 12 characters, naming the variable', () => {
    expect(() => readApiEnv({ ...required, FENTA_BOARD_VIEWER_PASSWORD: 'short' })).toThrow(
      'Configuration is invalid: FENTA_BOARD_VIEWER_PASSWORD: must be at least 12 characters',
    );
    expect(() => readApiEnv({ ...required, FENTA_BOARD_OPERATOR_PASSWORD: 'short' })).toThrow(
      'Configuration is invalid: FENTA_BOARD_OPERATOR_PASSWORD: must be at least 12 characters',
    );
  });

  it("refuse two different operator passwords, and a viewer password that is the operator's", () => {
    expect(() => readApiEnv({ ...required, FENTA_BOARD_PASSWORD: operator, FENTA_BOARD_OPERATOR_PASSWORD: viewer })).toThrow(
      'Configuration is invalid: FENTA_BOARD_PASSWORD: is the older name of FENTA_BOARD_OPERATOR_PASSWORD and differs from it: set only one',
    );
    for (const name of ['FENTA_BOARD_OPERATOR_PASSWORD', 'FENTA_BOARD_PASSWORD']) {
      expect(() => readApiEnv({ ...required, [name]: operator, FENTA_BOARD_VIEWER_PASSWORD: operator })).toThrow(
        "Configuration is invalid: FENTA_BOARD_VIEWER_PASSWORD: must differ from the operator's password",
      );
    }
  });
});
