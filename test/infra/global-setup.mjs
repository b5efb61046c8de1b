// vitest globalSetup for integration tests: start real services once, hand their addresses
// to the tests, stop only what this run started.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { down, up } from './services.mjs';

export default async function setup(project) {
  const dir = process.env.AGENTMETER_INFRA_DIR
    ? resolve(process.env.AGENTMETER_INFRA_DIR)
    : mkdtempSync(join(tmpdir(), 'agentmeter-it-'));
  // AGENTMETER_INFRA_SERVICES=prometheus,kafka (or none) starts only those, for runs that pick
  // tests needing fewer services (the oldest-Node subset in .ci/run).
  const only = process.env.AGENTMETER_INFRA_SERVICES?.split(',').map((s) => s.trim()).filter((s) => s && s !== 'none');
  const { services, started } = await up(dir, only);
  project.provide('services', services);
  return async () => {
    await down(dir, started);
  };
}
