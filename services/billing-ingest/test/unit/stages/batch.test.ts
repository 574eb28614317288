import { UnitBatcher } from '../../../src/domain/stages/batch';
import { acceptedRow } from './fixtures';

describe('batch stage', () => {
  it('hands out a unit each time it is full, covering the file up to its last row', () => {
    const batcher = new UnitBatcher(2);
    expect(batcher.add(acceptedRow(2, '1'))).toBeUndefined();
    const unit = batcher.add(acceptedRow(5, '2'));
    expect(unit).toEqual({ rows: [acceptedRow(2, '1'), acceptedRow(5, '2')], lastRow: 5 });
    expect(batcher.add(acceptedRow(6, '3'))).toBeUndefined();
  });

  it('flushes what is left as a last unit up to the last row read, and nothing when nothing is left', () => {
    const batcher = new UnitBatcher(3);
    batcher.add(acceptedRow(2, '1'));
    // Rows 3 and 4 were rejected: the unit still covers them, so the checkpoint may pass them.
    expect(batcher.flush(4)).toEqual({ rows: [acceptedRow(2, '1')], lastRow: 4 });
    expect(batcher.flush(4)).toBeUndefined();
  });
});
