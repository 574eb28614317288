/**
 * Which row each invoice id was first seen on, for a whole file, in about 12 bytes per id.
 * Hand-written because a Map of a million id strings costs ~100 MB and the handler must stay under 256 MB
 * for any file size. Canonical whole numbers up to 2^52 (the source document's ids) are stored exactly;
 * other ids by a 63-bit hash, so two different ids in one file collide with probability ~n^2/2^64
 * (about 1 in 36 million for a million-row file); the rejects file would then name both rows.
 */
export class FirstSeenRows {
  private capacity: number;
  private high: Uint32Array;
  private low: Uint32Array;
  /** Row numbers; 0 marks an empty slot (rows start at 1). */
  private rows: Uint32Array;
  private count = 0;

  constructor(initialCapacity = 1 << 14) {
    this.capacity = 1 << Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.high = new Uint32Array(this.capacity);
    this.low = new Uint32Array(this.capacity);
    this.rows = new Uint32Array(this.capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table, for the memory budget. */
  get bytes(): number {
    return this.capacity * 12;
  }

  /** Records `id` at `row` and returns undefined, or returns the row it was first seen on. */
  remember(id: string, row: number): number | undefined {
    if (!Number.isInteger(row) || row < 1 || row > 0xffffffff)
      throw new RangeError(`row ${row} out of range`);
    const [high, low] = fingerprint(id);
    let slot = mix(high, low) & (this.capacity - 1);
    for (;;) {
      const seenRow = this.rows[slot]!;
      if (seenRow === 0) break;
      if (this.high[slot] === high && this.low[slot] === low) return seenRow;
      slot = (slot + 1) & (this.capacity - 1);
    }
    this.high[slot] = high;
    this.low[slot] = low;
    this.rows[slot] = row;
    this.count += 1;
    if (this.count * 2 > this.capacity) this.grow();
    return undefined;
  }

  private grow(): void {
    const { high, low, rows } = this;
    this.capacity *= 2;
    this.high = new Uint32Array(this.capacity);
    this.low = new Uint32Array(this.capacity);
    this.rows = new Uint32Array(this.capacity);
    for (let old = 0; old < rows.length; old += 1) {
      const row = rows[old]!;
      if (row === 0) continue;
      let slot = mix(high[old]!, low[old]!) & (this.capacity - 1);
      while (this.rows[slot] !== 0) slot = (slot + 1) & (this.capacity - 1);
      this.high[slot] = high[old]!;
      this.low[slot] = low[old]!;
      this.rows[slot] = row;
    }
  }
}

const canonicalWholeNumber = /^(?:0|[1-9]\d{0,14})$/;
const TWO_TO_32 = 2 ** 32;
const EXACT_TAG = 0x80000000;

/** Two 32-bit words: exact for canonical whole numbers (top bit set), a hash of the text otherwise (top bit clear). */
function fingerprint(id: string): [number, number] {
  if (canonicalWholeNumber.test(id)) {
    const value = Number(id);
    if (value < 2 ** 52) return [(EXACT_TAG | Math.floor(value / TWO_TO_32)) >>> 0, value >>> 0];
  }
  // Two independent 32-bit FNV-1a style hashes over UTF-16 code units.
  let first = 0x811c9dc5;
  let second = 0x9747b28c;
  for (let index = 0; index < id.length; index += 1) {
    const code = id.charCodeAt(index);
    first = Math.imul(first ^ code, 0x01000193);
    second = Math.imul(second ^ code, 0x5bd1e995);
    second ^= second >>> 15;
  }
  return [(first >>> 1) & 0x7fffffff, (second ^ Math.imul(first, 0x27d4eb2d)) >>> 0];
}

/** Spreads both words over the table's slots (murmur3 finaliser), so sequential ids do not cluster. */
function mix(high: number, low: number): number {
  let hash = Math.imul(high ^ Math.imul(low, 0x9e3779b1), 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
