// The capacity bench's results as Markdown tables (docs/capacity.md quotes them).
import { fmt, table } from '../harness.mjs';

/** Samples one point of each kind is in Prometheus: a counter 1, the tool-duration histogram 18 buckets + _sum + _count. */
const SAMPLES_PER_POINT = { counter: 1, histogram: 20 };

const n0 = (x) => Math.round(x).toLocaleString('en-US');

export function markdown({ drainResult, sims }) {
  const parts = [];
  if (drainResult) {
    parts.push(
      'Drain: a topic pre-filled by agentmeter\'s KafkaMetricExporter (zstd), then one Collector started on it, timed from its first sent point until every point was sent:\n\n' +
        table(
          ['series kind', 'exports × points', 'points moved', 'Collector CPU s', 'points / Collector CPU s', 'samples / Collector CPU s', 'wall s', 'points / wall s', 'store samples appended', 'store CPU s per M samples', 'failed'],
          drainResult.rows.map((r) => [
            r.kind,
            `${n0(r.exports)} × ${n0(r.series)}`,
            n0(r.moved),
            fmt(r.cpuSeconds, 2),
            n0(r.moved / r.cpuSeconds),
            n0((r.moved * SAMPLES_PER_POINT[r.kind]) / r.cpuSeconds),
            fmt(r.wallSeconds, 2),
            n0(r.moved / r.wallSeconds),
            n0(r.samples),
            fmt(r.storeCpuSeconds / (r.samples / 1e6), 2),
            n0(r.failed),
          ]),
        ),
    );
    parts.push(
      '\n\nBytes on Kafka (log segments on the broker\'s disk, record batch headers included) and the producer\'s CPU per export of 2,000 series (this process, all threads: encode, compression, kafkajs, acks=all):\n\n' +
        table(
          ['series kind', 'compression', 'bytes / series / export', 'messages / export', 'producer CPU ms / export'],
          drainResult.sizes.map((s) => {
            const row = drainResult.rows.find((r) => r.kind === s.kind);
            return [s.kind, s.compression, fmt(s.bytesPerSeries, 1), fmt(s.messagesPerExport, 0), fmt(1000 * (s.compression === 'zstd' ? row.producerCpuPerExport : s.cpuPerExport), 2)];
          }),
        ),
    );
  }
  for (const sim of sims) {
    parts.push(
      `\n\nSimulation: ${sim.producers} producer processes (\`--require agentmeter/register\`, ${n0(sim.series)} cache series each) exporting every ${fmt(sim.intervalMillis / 1000, 1)} s to ${sim.partitions} partitions, ${sim.collectors} Collector(s) in one group, one store Prometheus; ${fmt(sim.wall, 0)} s measured:\n\n` +
        table(
          ['figure', 'value'],
          [
            ['points / s through the Collector(s)', n0(sim.pointsPerSecond)],
            ['store ingest, samples / s', n0(sim.samplesPerSecond)],
            ['messages / s on Kafka', fmt(sim.messagesPerSecond, 1)],
            ['points / message', n0(sim.pointsPerMessage)],
            ['remote-write requests / s, mean ms each (in the store)', `${fmt(sim.writesPerSecond, 1)}, ${fmt(sim.writeMillis, 1)}`],
            ['bytes / message (zstd, as stored)', n0(sim.bytesPerMessage)],
            ['Kafka bytes / s', n0(sim.bytesPerSecond)],
            ['Collector CPU, cores', fmt(sim.cores.collectors, 3)],
            ['points / Collector CPU s', n0(sim.pointsPerCollectorCpuSecond)],
            ['Collector(s) waiting for a core (run queue), s per s', fmt(sim.cores.collectorsWaiting, 3)],
            ['store waiting for a core (run queue), s per s', fmt(sim.cores.storeWaiting, 3)],
            ['store CPU, cores', fmt(sim.cores.store, 3)],
            ['store CPU s per M samples', fmt(sim.storeCpuPerMillionSamples, 2)],
            ['broker CPU, cores', fmt(sim.cores.broker, 3)],
            ['producer CPU, cores each (exporting)', fmt(sim.producerCoresEach, 4)],
            ['producer CPU, cores (same app, never exporting)', fmt(sim.idleCores, 4)],
            ['producer CPU ms per export (difference × interval)', fmt(1000 * sim.producerCpuPerExport, 2)],
            ['newest point\'s age, median / max s (includes up to one interval)', `${fmt(sim.delayMedian, 1)} / ${fmt(sim.delayMax, 1)}`],
            ['consumer lag, max / at end (messages)', `${n0(sim.lagMax)} / ${n0(sim.lagEnd)}`],
            ['cache series in the store / all head series', `${n0(sim.storedSeries)} / ${n0(sim.headSeries)}`],
            ['store RSS, MB (KB per head series)', `${n0(sim.storeRss / 1e6)} (${fmt(sim.storeRss / 1024 / sim.headSeries, 1)})`],
            ['Collector RSS, MB (all)', n0(sim.collectorRss / 1e6)],
            ['points the store refused', n0(sim.failed)],
          ],
        ),
    );
  }
  return parts.join('');
}

