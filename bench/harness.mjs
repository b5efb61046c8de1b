// Tiny benchmark harness: warm up, then several timed rounds; report the median.

/**
 * ns per operation of each named case. Rounds are interleaved (case A, B, C, A, B, C, ...) so
 * a burst of load on a shared 2-core machine hits every case alike and the ratios stay honest;
 * each case reports the median of its rounds.
 */
export function nsPerOpInterleaved(cases, { iterations, rounds = 9, warmupRounds = 2 }) {
  for (let r = 0; r < warmupRounds; r++) for (const [, fn] of cases) fn(iterations);
  const samples = new Map(cases.map(([name]) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of cases) {
      const start = process.hrtime.bigint();
      fn(iterations);
      samples.get(name).push(Number(process.hrtime.bigint() - start) / iterations);
    }
  }
  return new Map([...samples].map(([name, s]) => [name, median(s)]));
}

function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median wall time in ms of an async function, after warm-up. */
export async function msPerRun(fn, { rounds = 9, warmupRounds = 3 } = {}) {
  for (let r = 0; r < warmupRounds; r++) await fn();
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

export function fmt(n, digits = 1) {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** A Markdown table from a header row and rows of cells. */
export function table(header, rows) {
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}
