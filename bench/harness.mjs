// Tiny benchmark harness: warm up, then several timed rounds; report the median.
export function nsPerOp(fn, { iterations, rounds = 7, warmupRounds = 2 }) {
  for (let r = 0; r < warmupRounds; r++) fn(iterations);
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    fn(iterations);
    samples.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
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
