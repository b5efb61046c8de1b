// `node --import agentmeter/register app.mjs`: the same start as the CommonJS entry, which also
// installs the ESM loader hooks the instrumentations need (src/sdk/esm-hooks.ts).
import { createRequire } from 'node:module';

globalThis[Symbol.for('agentmeter.register.import')] = true;
createRequire(import.meta.url)('./dist/sdk/register.js');
