// The ten per-request helper calls of the overhead server, timed alone in a loop that also does
// other work between requests (so caches and inline caches see what a server does): ns per
// request for the recordings only. `node bench/overhead/helpers.bench.mjs`
import { createHash } from 'node:crypto';
import am from 'agentmeter';
import { agentmeterRecorder, requestShape } from './recorders.mjs';

am.start({ metricsExporters: [], instrumentations: [] });
const record = agentmeterRecorder(am);
const payload = Buffer.alloc(256, 7);

export function nsPerRequest(requests = 20000, rounds = 7) {
  const samples = [];
  for (let r = 0; r < rounds; r++) {
    let spent = 0n;
    for (let i = 0; i < requests; i++) {
      createHash('sha256').update(payload).digest();
      const shape = requestShape(i);
      const t = process.hrtime.bigint();
      record(shape, 0.0001);
      spent += process.hrtime.bigint() - t;
    }
    samples.push(Number(spent) / requests);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  nsPerRequest(20000, 3);
  console.log(`ten helper calls: ${nsPerRequest().toFixed(0)} ns per request (median of 7 rounds)`);
  await am.shutdown();
}
