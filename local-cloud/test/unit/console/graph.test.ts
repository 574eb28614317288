import { END, START, executionPath, layoutStateMachine, type HistoryEvent } from '../../../src/console/graph';

const definition = JSON.stringify({
  StartAt: 'Validate',
  States: {
    Validate: {
      Type: 'Parallel',
      Branches: [{ StartAt: 'CheckCard', States: { CheckCard: { Type: 'Pass', End: true } } }],
      Next: 'Pay',
    },
    Pay: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'NotPaid' }],
      Next: 'Outcome',
    },
    Outcome: {
      Type: 'Choice',
      Choices: [{ Variable: '$.status', StringEquals: 'SUCCEEDED', Next: 'Confirm' }],
      Default: 'Cancel',
    },
    Confirm: { Type: 'Succeed' },
    Cancel: { Type: 'Succeed' },
    NotPaid: { Type: 'Fail', Error: 'NotPaid' },
  },
});

let id = 0;
const at = (type: string, details?: Record<string, unknown>): HistoryEvent => ({
  id: ++id,
  timestamp: 1_764_600_000 + id,
  type,
  ...details,
});
const entered = (type: string, name: string) =>
  at(`${type}StateEntered`, { stateEnteredEventDetails: { name, input: '{}' } });
const exited = (type: string, name: string) =>
  at(`${type}StateExited`, { stateExitedEventDetails: { name, output: '{}' } });

describe('layoutStateMachine', () => {
  it('places every state, a join for the Parallel, Start and End, with labelled choice and catch edges', () => {
    const graph = layoutStateMachine(definition);
    expect(graph.nodes.map((n) => n.id).sort()).toEqual(
      [
        START,
        END,
        'Validate',
        'Validate (join)',
        'CheckCard',
        'Pay',
        'Outcome',
        'Confirm',
        'Cancel',
        'NotPaid',
      ].sort(),
    );
    for (const node of graph.nodes) {
      expect(node.x).toBeGreaterThan(0);
      expect(node.y).toBeGreaterThan(0);
    }
    expect(graph.nodes.find((n) => n.id === 'CheckCard')!.parent).toBe('Validate');
    expect(graph.edges).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from: 'Pay', to: 'NotPaid', kind: 'catch', label: 'catch States.ALL' }),
        expect.objectContaining({
          from: 'Outcome',
          to: 'Confirm',
          kind: 'choice',
          label: 'status = "SUCCEEDED"',
        }),
        expect.objectContaining({ from: 'Outcome', to: 'Cancel', kind: 'default' }),
      ]),
    );
    expect(graph.edges.every((e) => e.points.length >= 2)).toBe(true);
  });
});

describe('executionPath', () => {
  const start = () => [
    at('ExecutionStarted'),
    entered('Parallel', 'Validate'),
    entered('Pass', 'CheckCard'),
    exited('Pass', 'CheckCard'),
    exited('Parallel', 'Validate'),
    entered('Task', 'Pay'),
    at('TaskScheduled'),
  ];

  it('follows a declined payment through the Choice that decided it', () => {
    const path = executionPath(definition, [
      ...start(),
      at('TaskSucceeded'),
      exited('Task', 'Pay'),
      entered('Choice', 'Outcome'),
      exited('Choice', 'Outcome'),
      entered('Succeed', 'Cancel'),
      exited('Succeed', 'Cancel'),
      at('ExecutionSucceeded'),
    ]);
    expect(path.path).toEqual(['Validate', 'CheckCard', 'Pay', 'Outcome', 'Cancel']);
    expect(path.reached).toEqual(expect.arrayContaining(['Validate (join)', END]));
    expect(path.failedStates).toEqual([]);
    expect(path.decidedBy).toEqual({ state: 'Outcome', how: 'no rule matched: otherwise Cancel' });
  });

  it('counts retries, and marks a failed task caught where its Catch led (exited or not)', () => {
    const path = executionPath(definition, [
      ...start(),
      at('TaskFailed', { taskFailedEventDetails: { error: 'Bank.Down', cause: 'card 4242 4242 4242 4242' } }),
      at('TaskScheduled'),
      at('TaskFailed', { taskFailedEventDetails: { error: 'Bank.Down' } }),
      exited('Task', 'Pay'),
      entered('Fail', 'NotPaid'),
      at('ExecutionFailed', { executionFailedEventDetails: { error: 'NotPaid' } }),
    ]);
    const pay = path.visits.find((v) => v.name === 'Pay')!;
    expect(pay).toMatchObject({ attempts: 2, retries: 1, failed: true, caughtBy: 'NotPaid' });
    expect(pay.errors.map((e) => e.error)).toEqual(['Bank.Down', 'Bank.Down']);
    expect(path.caught).toEqual([{ from: 'Pay', to: 'NotPaid' }]);
    expect(path.left).not.toContain('Pay');
    expect(path.reached).not.toContain(END);
    expect(path.error).toBe('NotPaid');
    expect(path.decidedBy).toEqual({ state: 'Pay', how: 'Bank.Down caught, on to NotPaid' });
  });
});
