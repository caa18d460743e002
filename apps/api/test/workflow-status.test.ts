import { checkStatusMove, workflowStatuses } from '../src/workflows/workflow-status';

describe('the workflow status lifecycle', () => {
  it('allows exactly these moves', () => {
    const allowed = workflowStatuses.flatMap((from) =>
      workflowStatuses
        .filter((to) => to !== from)
        .filter((to) => {
          try {
            checkStatusMove('wf_x', from, to);
            return true;
          } catch {
            return false;
          }
        })
        .map((to) => `${from} → ${to}`),
    );
    expect(allowed).toEqual([
      'draft → confirmed',
      'draft → archived',
      'confirmed → draft',
      'confirmed → preview',
      'confirmed → production',
      'confirmed → archived',
      'preview → draft',
      'preview → confirmed',
      'preview → production',
      'preview → archived',
      'production → preview',
      'production → archived',
      'archived → draft',
    ]);
  });

  it('takes staying put as no move, and refuses any move from a status outside the lifecycle', () => {
    for (const status of workflowStatuses) expect(() => checkStatusMove('wf_x', status, status)).not.toThrow();
    expect(() => checkStatusMove('wf_x', 'retired', 'draft')).toThrow(
      expect.objectContaining({ code: 'WORKFLOW_STATUS_TRANSITION_INVALID', details: { from: 'retired', to: 'draft', allowed: [] } }),
    );
  });
});
