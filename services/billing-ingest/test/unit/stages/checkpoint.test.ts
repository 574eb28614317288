import { Checkpoints } from '../../../src/domain/stages/checkpoint';

describe('checkpoint stage', () => {
  it('moves only over the finished prefix of units, whatever order they finish in', async () => {
    const saved: number[] = [];
    const checkpoints = new Checkpoints(0, 1, async (row) => {
      saved.push(row);
    });
    const first = checkpoints.started(10);
    const second = checkpoints.started(20);
    const third = checkpoints.started(30);
    checkpoints.finished(third);
    checkpoints.finished(second);
    await checkpoints.settle();
    expect(saved).toEqual([]);
    checkpoints.finished(first);
    await checkpoints.settle();
    expect(saved).toEqual([30]);
  });

  it('saves once the safe row moved far enough past the last save, starting from where the file resumed', async () => {
    const saved: number[] = [];
    const checkpoints = new Checkpoints(100, 50, async (row) => {
      saved.push(row);
    });
    for (const lastRow of [120, 149, 150, 180, 230]) checkpoints.finished(checkpoints.started(lastRow));
    await checkpoints.settle();
    expect(saved).toEqual([150, 230]);
  });

  it('saves one at a time, in row order, even when a save is slow', async () => {
    const events: string[] = [];
    let releaseFirst!: () => void;
    const checkpoints = new Checkpoints(0, 1, async (row) => {
      events.push(`start ${row}`);
      if (row === 10) await new Promise<void>((resolve) => (releaseFirst = resolve));
      events.push(`end ${row}`);
    });
    checkpoints.finished(checkpoints.started(10));
    checkpoints.finished(checkpoints.started(20));
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['start 10']);
    releaseFirst();
    await checkpoints.settle();
    expect(events).toEqual(['start 10', 'end 10', 'start 20', 'end 20']);
  });
});
