// `node --import agentmeter/register app.mjs`: hooks ESM loading for the instrumentations,
// then starts agentmeter exactly as the CommonJS entry does.
import { register } from 'node:module';
import { createRequire } from 'node:module';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
createRequire(import.meta.url)('./dist/sdk/register.js');
