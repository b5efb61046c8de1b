// The soak's outputs: a markdown section (verdict, summary, a table over time) and a
// hand-written SVG chart of RSS, heap and event-loop delay p99 against minutes.
import { maximum } from './verdict.mjs';

const f = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');

/** At most `rows` samples, evenly spaced, always including the last. */
function thin(samples, rows) {
  if (samples.length <= rows) return samples;
  const step = samples.length / rows;
  const out = [];
  for (let i = 0; i < rows - 1; i++) out.push(samples[Math.floor(i * step)]);
  out.push(samples[samples.length - 1]);
  return out;
}

export function markdownReport(r) {
  const v = r.verdict;
  const lines = [
    '## Soak',
    '',
    `${r.minutes} minutes, Node ${process.version}: ${r.series.toLocaleString('en-US')} tool series, ${r.rate.toLocaleString('en-US')} recordings/s, ` +
      `/metrics scraped every second (${r.scrapes.count} scrapes, ${r.scrapes.failures} failed; p50 ${f(r.scrapes.p50Ms)} ms, p99 ${f(r.scrapes.p99Ms)} ms, max ${f(r.scrapes.maxMs)} ms) ` +
      `and Kafka export every second to a real broker (${r.exports} exports). Warm-up: the first ${f(r.warmupMinutes, 2)} minutes, excluded below. Regenerate with \`npm run soak -- --minutes ${r.minutes} --write\`.`,
    '',
    `**${v.pass ? 'PASS' : 'FAIL'}**: after warm-up, RSS slope ${f(v.rssSlope, 3)} MB/min and slope of the heap after major GC ${f(v.heapSlope, 3)} MB/min (${v.majorGcsAfterWarmup} collections; Theil–Sen; the run fails above ${r.limits.rssMbPerMinute} and ${r.limits.heapMbPerMinute} MB/min)${v.pass ? '' : `: ${v.failures.join('; ')}`}.`,
    '',
    `Event-loop delay after warm-up (5 ms timer lateness): p99 ${f(r.eventLoop.p99Ms, 2)} ms over all ticks, ` +
      `p99 ${f(r.eventLoop.quietP99Ms, 2)} ms outside the scrape and export instants, max ${f(r.eventLoop.maxMs, 1)} ms.`,
    '',
    '![RSS, heap and event-loop delay over the soak](soak.svg)',
    '',
    '| minute | RSS MB | heap used MB | heap after last major GC MB | loop delay p99 ms | p99 outside scrape/export ms | max ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  let lastGc;
  const withGc = r.samples.map((s) => ({ ...s, lastGcMb: (lastGc = s.heapAfterGcMb ?? lastGc) }));
  for (const s of thin(withGc, 31)) lines.push(`| ${f(s.minutes, 2)} | ${f(s.rssMb)} | ${f(s.heapMb)} | ${f(s.lastGcMb)} | ${f(s.p99Ms, 2)} | ${f(s.quietP99Ms, 2)} | ${f(s.maxMs)} |`);
  return lines.join('\n');
}

export function svgChart(r) {
  const W = 900;
  const H = 360;
  const pad = { l: 60, r: 60, t: 30, b: 40 };
  const xs = r.samples.map((s) => s.minutes);
  const xMax = Math.max(1e-9, maximum(xs));
  const mbMax = Math.max(1, maximum(r.samples.map((s) => s.rssMb))) * 1.1;
  const msMax = Math.max(5, maximum(r.samples.map((s) => s.quietP99Ms).filter(Number.isFinite))) * 1.2;
  const x = (m) => pad.l + (m / xMax) * (W - pad.l - pad.r);
  const yMb = (v) => H - pad.b - (v / mbMax) * (H - pad.t - pad.b);
  const yMs = (v) => H - pad.b - (Math.min(v, msMax) / msMax) * (H - pad.t - pad.b);
  const line = (key, y, color) =>
    `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${r.samples
      .filter((s) => Number.isFinite(s[key]))
      .map((s) => `${x(s.minutes).toFixed(1)},${y(s[key]).toFixed(1)}`)
      .join(' ')}"/>`;
  const ticks = [];
  for (let i = 0; i <= 5; i++) {
    const m = (xMax * i) / 5;
    const mb = (mbMax * i) / 5;
    const ms = (msMax * i) / 5;
    ticks.push(`<text x="${x(m).toFixed(1)}" y="${H - pad.b + 16}" text-anchor="middle">${f(m)}</text>`);
    ticks.push(`<text x="${pad.l - 6}" y="${yMb(mb).toFixed(1)}" text-anchor="end">${f(mb, 0)}</text>`);
    ticks.push(`<text x="${W - pad.r + 6}" y="${yMs(ms).toFixed(1)}">${f(ms)}</text>`);
    ticks.push(`<line x1="${pad.l}" x2="${W - pad.r}" y1="${yMb(mb).toFixed(1)}" y2="${yMb(mb).toFixed(1)}" stroke="#eee"/>`);
  }
  const warm = x(r.warmupMinutes);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">
<rect width="${W}" height="${H}" fill="white"/>
${ticks.join('\n')}
<rect x="${pad.l}" y="${pad.t}" width="${(warm - pad.l).toFixed(1)}" height="${H - pad.t - pad.b}" fill="#f4f4f4"/>
<text x="${pad.l + 4}" y="${pad.t + 12}" fill="#888">warm-up</text>
${line('rssMb', yMb, '#1f77b4')}
${line('heapMb', yMb, '#2ca02c')}
${line('quietP99Ms', yMs, '#d62728')}
${r.samples.filter((s) => s.heapAfterGcMb !== undefined).map((s) => `<circle cx="${x(s.minutes).toFixed(1)}" cy="${yMb(s.heapAfterGcMb).toFixed(1)}" r="2" fill="#9467bd"/>`).join('')}
<text x="${W / 2}" y="${H - 6}" text-anchor="middle">minutes</text>
<text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">MB</text>
<text x="${W - 14}" y="${H / 2}" transform="rotate(90 ${W - 14} ${H / 2})" text-anchor="middle">event-loop delay p99 ms</text>
<text x="${pad.l}" y="18" fill="#1f77b4">RSS</text><text x="${pad.l + 40}" y="18" fill="#2ca02c">heap used</text><text x="${pad.l + 100}" y="18" fill="#9467bd">heap after major GC</text><text x="${pad.l + 215}" y="18" fill="#d62728">loop delay p99 outside scrape/export (ms, right axis)</text>
<text x="${W - pad.r}" y="18" text-anchor="end">${r.series.toLocaleString('en-US')} series, scrape + Kafka export every 1 s: ${r.verdict.pass ? 'flat' : 'GROWING'} (RSS ${f(r.verdict.rssSlope, 2)} MB/min)</text>
</svg>
`;
}
