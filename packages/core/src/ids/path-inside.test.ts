import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathInside } from './path-inside';
import { isNodeId, isRowId } from './id-grammar';

describe('pathInside', () => {
  const root = path.join(tmpdir(), 'fenta-root');

  it('joins plain names under the root', () => {
    expect(pathInside(root, 'job_0192-ab', 'n1')).toBe(path.join(root, 'job_0192-ab', 'n1'));
    expect(pathInside(root)).toBe(root);
  });

  it.each(['..', '.', '', '../x', 'a/b', '/etc', 'a\\b', 'a\u0000b', 'x'.repeat(256)])('refuses the segment %j with PATH_OUTSIDE_ROOT', (segment) => {
    expect(() => pathInside(root, 'job_1', segment)).toThrow(expect.objectContaining({ code: 'PATH_OUTSIDE_ROOT', status: 400 }));
  });

  it('refuses whatever it is given that is not a string', () => {
    expect(() => pathInside(root, undefined as unknown as string)).toThrow(expect.objectContaining({ code: 'PATH_OUTSIDE_ROOT' }));
  });

  it('names neither more than 80 characters of the segment nor the full root in its message', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fenta-secret-place-'));
    try {
      expect(() => pathInside(dir, `../${'y'.repeat(500)}`)).toThrow(
        expect.objectContaining({ message: `Path segment ${JSON.stringify(`../${'y'.repeat(77)}…`)} would leave the folder ${path.basename(dir)}` }),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('id grammar', () => {
  it('takes node ids of 1 to 64 letters, digits, "_" and "-"', () => {
    expect(['n1', 'Render_node-2', 'x'.repeat(64)].every(isNodeId)).toBe(true);
    expect(['', 'x'.repeat(65), '..', 'a b', 'a.b', 'ü', 42].some(isNodeId)).toBe(false);
  });

  it('takes row ids with their prefix', () => {
    expect(isRowId('job_0192f0e4-7a1c-7d3e-9b2a-4c5d6e7f8091', 'job')).toBe(true);
    expect(isRowId('org_demo', 'org')).toBe(true);
    expect(isRowId('org_demo', 'job')).toBe(false);
    expect(isRowId('job_../x', 'job')).toBe(false);
    expect(isRowId('job_', 'job')).toBe(false);
  });
});
