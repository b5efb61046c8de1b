/**
 * Consecutive byte ranges of shared ArrayBuffers, so that data read together at export time
 * (an instrument's bucket counts, the encoder's per-series bytes) sits together in memory: as
 * separate small allocations scattered among the application's, each cost a cache miss, and
 * encoding took 2.5x as long once series had been created between other allocations.
 */

/** The first buffer's size; each next one is twice as large, up to the chunker's maximum. */
const FIRST_BYTES = 1024;

export class Chunks {
  private buffer: ArrayBuffer | undefined;
  private used = 0;

  /** `max`: the largest shared buffer; a range over a quarter of it gets a buffer of its own. */
  constructor(private readonly max: number) {}

  /** `bytes` bytes right after the previous range (ranges of multiples of 8 stay 8-aligned). */
  take(bytes: number): { buffer: ArrayBuffer; offset: number } {
    if (bytes > this.max / 4) return { buffer: new ArrayBuffer(bytes), offset: 0 };
    if (this.buffer === undefined || this.used + bytes > this.buffer.byteLength) {
      // Small at first: an instrument with a few series holds 1 kB, not the maximum.
      const size = this.buffer === undefined ? FIRST_BYTES : Math.min(this.max, this.buffer.byteLength * 2);
      this.buffer = new ArrayBuffer(Math.max(size, bytes));
      this.used = 0;
    }
    const offset = this.used;
    this.used += bytes;
    return { buffer: this.buffer, offset };
  }
}
