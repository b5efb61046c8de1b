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
  const { services, started } = await up(dir);
  project.provide('services', services);
  return async () => {
    await down(dir, started);
  };
}
