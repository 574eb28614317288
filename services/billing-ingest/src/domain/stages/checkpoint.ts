/*
 * Stage 6, checkpoint: units finish in any order, but the file's checkpoint only moves over a finished prefix of
 * them, so a resumed invocation never skips a row whose writes or events were not done.
 */

export interface UnitInFlight {
  lastRow: number;
  done: boolean;
}

export class Checkpoints {
  /** Units in submission (row) order, up to the first one not finished. */
  private readonly units: UnitInFlight[] = [];
  private safeRow: number;
  private savedRow: number;
  private saving: Promise<void> = Promise.resolve();

  /**
   * @param resumeAfterRow rows up to here were done by an earlier invocation
   * @param everyRows saves when the safe row moved this many rows past the last one saved
   * @param save records the checkpoint; called in row order, one at a time
   */
  constructor(
    resumeAfterRow: number,
    private readonly everyRows: number,
    private readonly save: (row: number) => Promise<void>,
  ) {
    this.safeRow = resumeAfterRow;
    this.savedRow = resumeAfterRow;
  }

  /** A unit covering the file up to `lastRow` was handed to the write stage. */
  started(lastRow: number): UnitInFlight {
    const unit = { lastRow, done: false };
    this.units.push(unit);
    return unit;
  }

  /** The unit's writes and events are done. */
  finished(unit: UnitInFlight): void {
    unit.done = true;
    this.advance();
  }

  /** Saves what is due and waits for every save asked so far. */
  async settle(): Promise<void> {
    this.advance();
    await this.saving;
  }

  private advance(): void {
    while (this.units[0]?.done) this.safeRow = Math.max(this.safeRow, this.units.shift()!.lastRow);
    if (this.safeRow - this.savedRow >= this.everyRows) {
      const row = this.safeRow;
      this.savedRow = row;
      this.saving = this.saving.then(() => this.save(row));
    }
  }
}
