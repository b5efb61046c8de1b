// Which processes are a package manager's own (register stays passive there) and which the app's.
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcherProcess } from '../../../src/sdk/launcher';

describe('launcherProcess', () => {
  it.each([
    ['/usr/lib/node_modules/npm/bin/npx-cli.js', 'npx-cli.js'],
    ['/usr/lib/node_modules/npm/bin/npm-cli.js', 'npm-cli.js'],
    ['C:\\Program Files\\nodejs\\node_modules\\npm\\bin\\npx-cli.js', 'npx-cli.js'],
    ['/home/u/.local/share/pnpm/node_modules/pnpm/bin/pnpm.cjs', 'pnpm.cjs'],
    ['/usr/lib/node_modules/pnpm/bin/pnpx.cjs', 'pnpx.cjs'],
    ['/usr/lib/node_modules/yarn/bin/yarn.js', 'yarn.js'],
    ['/app/.yarn/releases/yarn-4.9.2.cjs', 'yarn-4.9.2.cjs'],
    ['/usr/lib/node_modules/corepack/dist/pnpm.js', 'pnpm.js'],
  ])('%s is a launcher', (main, name) => {
    expect(launcherProcess(main, {})).toBe(name);
  });

  it.each([
    ['a server started by npx', '/home/u/.npm/_npx/1a2b/node_modules/@modelcontextprotocol/server-memory/dist/index.js', { npm_lifecycle_event: 'npx', npm_command: 'exec' }],
    ['an app started by npm start', '/srv/app/server.js', { npm_lifecycle_event: 'start' }],
    ['a plain app', '/srv/app/server.mjs', {}],
    ['node -e', undefined, {}],
    ['an app whose own file is called npm-cli.js', '/srv/app/npm-cli.js', {}],
  ])('%s is the app', (_what, main, env) => {
    expect(launcherProcess(main, env)).toBeUndefined();
  });

  it.each(['preinstall', 'install', 'postinstall', 'prepare'])('an npm %s script is a launcher', (event) => {
    expect(launcherProcess('/tmp/pkg/install.js', { npm_lifecycle_event: event })).toBe(`npm ${event} script`);
  });

  it('follows the link on PATH to the script it runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentmeter-launcher-'));
    mkdirSync(join(dir, 'lib/node_modules/npm/bin'), { recursive: true });
    writeFileSync(join(dir, 'lib/node_modules/npm/bin/npx-cli.js'), '');
    symlinkSync(join(dir, 'lib/node_modules/npm/bin/npx-cli.js'), join(dir, 'npx'));
    expect(launcherProcess(join(dir, 'npx'), {})).toBe('npx-cli.js');
  });
});
