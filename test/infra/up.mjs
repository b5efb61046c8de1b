// By hand: `npm run infra:up` starts the services under test-output/infra and prints them;
// `AGENTMETER_INFRA_DIR=test-output/infra npm test` then reuses them.
import { resolve } from 'node:path';
import { up } from './services.mjs';

const dir = resolve(process.env.AGENTMETER_INFRA_DIR ?? 'test-output/infra');
const { services, started } = await up(dir);
console.log(JSON.stringify({ dir, started, services }, null, 2));
