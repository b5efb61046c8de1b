// Medians and round-paired losses for the overhead table.

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function spread(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/**
 * One row per variant: median req/s and CPU per request, and the loss against `none` computed
 * per round (each round's variant against the same round's baseline), then summarised.
 */
export function lossRows(runs, variants) {
  const base = runs.none;
  return variants.map((variant) => {
    const mine = runs[variant];
    return {
      variant,
      rps: median(mine.map((r) => r.rps)),
      cpu: median(mine.map((r) => r.cpuMicrosPerRequest)),
      loss: spread(mine.map((r, i) => (1 - r.rps / base[i].rps) * 100)),
      cpuExtra: spread(mine.map((r, i) => (r.cpuMicrosPerRequest / base[i].cpuMicrosPerRequest - 1) * 100)),
    };
  });
}
