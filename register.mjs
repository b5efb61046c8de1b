// `node --import agentmeter/register app.mjs`: hooks ESM loading for the instrumentations,
// then starts agentmeter exactly as the CommonJS entry does.
import { createRequire, register } from 'node:module';
import { register as registerSyncHooks, supportsSyncHooks } from 'import-in-the-middle/register-hooks.mjs';

// In-thread synchronous hooks (module.registerHooks) where Node runs them correctly (22.22.3+,
// 24.11.1+, 26+): Node 26 deprecates module.register (DEP0205), whose warning would land on the
// host's stderr. Older lines keep the off-thread loader.
if (supportsSyncHooks()) registerSyncHooks();
else register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
createRequire(import.meta.url)('./dist/sdk/register.js');
