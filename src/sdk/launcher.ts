/**
 * Package managers' own processes. An MCP host starts a server as `npx -y <server>` with
 * `NODE_OPTIONS=--import agentmeter/register` in its env, so the preload also runs inside npm
 * (and inside the install scripts npm runs before the server): started there, agentmeter would
 * take the port first and the real server, which inherits the same env, could not listen. In such
 * a process `register` stays passive: no hooks, no port, no export, no output.
 */
import { realpathSync } from 'node:fs';

/** The main scripts of npm, npx, pnpm, pnpx, yarn (classic and berry releases) and corepack's shims. */
const LAUNCHER_SCRIPTS: readonly RegExp[] = [
  /[\\/]npm[\\/]bin[\\/](npm|npx)-cli\.js$/,
  /[\\/]pnpm[\\/]bin[\\/](pnpm|pnpx)\.c?js$/,
  /[\\/]pnpm[\\/]dist[\\/]pnpm\.c?js$/,
  /[\\/]yarn[\\/]bin[\\/]yarn(\.js)?$/,
  /[\\/]yarn[\\/]lib[\\/]cli\.js$/,
  /[\\/]\.yarn[\\/]releases[\\/]yarn-[^\\/]*\.c?js$/,
  /[\\/]corepack[\\/]dist[\\/](corepack|npm|npx|pnpm|pnpx|yarn|yarnpkg)\.js$/,
];

/** npm lifecycle events of installing and packing, as opposed to `start`, `test` or an `npx` run. */
const INSTALL_EVENTS = new Set(['preinstall', 'install', 'postinstall', 'preprepare', 'prepare', 'postprepare', 'prepack', 'postpack', 'prepublish', 'dependencies']);

/**
 * Why this process is a package manager's rather than the app's, or undefined for the app.
 * `main` is the main script (process.argv[1]); `env` the process environment.
 */
export function launcherProcess(main: string | undefined = process.argv[1], env: NodeJS.ProcessEnv = process.env): string | undefined {
  // `npx` on PATH is a link to npm/bin/npx-cli.js; Node has not resolved it yet while preloading.
  const script = main === undefined ? undefined : realScript(main);
  if (script !== undefined && LAUNCHER_SCRIPTS.some((pattern) => pattern.test(script))) return script.split(/[\\/]/).pop();
  const event = env.npm_lifecycle_event;
  if (event !== undefined && INSTALL_EVENTS.has(event)) return `npm ${event} script`;
  return undefined;
}

function realScript(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
