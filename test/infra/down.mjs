// By hand: `npm run infra:down` stops what `npm run infra:up` started.
import { resolve } from 'node:path';
import { down } from './services.mjs';

const dir = resolve(process.env.AGENTMETER_INFRA_DIR ?? 'test-output/infra');
await down(dir);
console.log(`stopped services recorded in ${dir}`);
