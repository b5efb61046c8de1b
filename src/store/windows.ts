/**
 * Sliding windows of the last N tool-call durations per tool, for exact percentiles in the JSON
 * summary. Off (no cost beyond one flag check) until the summary is enabled; memory is bounded
 * by N × 8 bytes per tool, and tools are bounded by the attribute cap.
 */

/** A ring buffer of the last `capacity` samples. */
export class SampleWindow {
  private readonly samples: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(readonly capacity: number) {
    this.samples = new Float64Array(capacity);
  }

  add(value: number): void {
    this.samples[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    if (this.filled < this.capacity) this.filled++;
  }

  /** The samples in the window, sorted ascending (a copy). */
  sorted(): Float64Array {
    return this.samples.slice(0, this.filled).sort();
  }
}

/**
 * Nearest-rank percentile of sorted samples: the smallest sample with at least p % of the
 * samples at or below it; an actual sample, never an interpolation. NaN when empty.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export const DEFAULT_WINDOW_SIZE = 1000;

export class ToolWindows {
  enabled = false;
  private size = DEFAULT_WINDOW_SIZE;
  private readonly windows = new Map<string, SampleWindow>();

  /** Turns collection on with windows of `size` samples (existing windows are restarted). */
  enable(size: number): void {
    if (size !== this.size) this.windows.clear();
    this.size = size;
    this.enabled = true;
  }

  add(tool: string, seconds: number): void {
    let window = this.windows.get(tool);
    if (window === undefined) {
      window = new SampleWindow(this.size);
      this.windows.set(tool, window);
    }
    window.add(seconds);
  }

  get(tool: string): SampleWindow | undefined {
    return this.windows.get(tool);
  }
}

export const toolWindows = new ToolWindows();
