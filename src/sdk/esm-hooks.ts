/**
 * The ESM loader hooks the instrumentations need to patch `import`ed packages, installed by both
 * register entry points, so `--require agentmeter/register` measures an ESM app (or a CommonJS
 * app's ESM dependencies) exactly as `--import` does. Installed once per process, whichever entry
 * runs first (both may be preloaded, e.g. one from NODE_OPTIONS and one on the command line).
 */
import { register } from 'node:module';

const INSTALLED = Symbol.for('agentmeter.esm-hooks');

interface SyncHooksModule {
  register(): void;
}

/**
 * Installs the hooks; returns undefined when they are in place, else why ESM modules will not be
 * measured (one stderr line for the caller to print).
 */
export function installEsmHooks(parentUrl: string): string | undefined {
  const slot = globalThis as { [INSTALLED]?: boolean };
  if (slot[INSTALLED] === true) return undefined;
  slot[INSTALLED] = true;
  try {
    // In-thread synchronous hooks (module.registerHooks) where Node runs them correctly (22.22.3+,
    // 24.11.1+, 26+): Node 26 deprecates module.register (DEP0205), whose warning would land on
    // the host's stderr. They are ES modules: loaded with require(esm), which Node >= 22.12 has
    // without a warning. Older lines keep the off-thread loader.
    if (syncHooksSupported()) {
      (require('import-in-the-middle/register-hooks.mjs') as SyncHooksModule).register();
    } else {
      register('@opentelemetry/instrumentation/hook.mjs', parentUrl);
    }
    return undefined;
  } catch (err) {
    return `agentmeter: ES modules are not measured in this process (${err instanceof Error ? err.message : String(err)}); CommonJS modules are`;
  }
}

function syncHooksSupported(): boolean {
  if (process.features.require_module !== true) return false;
  const { supportsSyncHooks } = require('import-in-the-middle/supports-sync-hooks.mjs') as { supportsSyncHooks(): boolean };
  return supportsSyncHooks();
}
