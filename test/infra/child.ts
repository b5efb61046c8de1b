// Runs a fixture app in a child Node process and reads its JSON status lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

export interface RunningChild {
  child: ChildProcess;
  /** Resolves with the first stdout line that parses as a JSON object. */
  ready: Promise<Record<string, unknown>>;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop: () => Promise<void>;
}

export function runNode(args: string[], env: Record<string, string> = {}, timeoutMillis = 20000, cwd = ROOT): RunningChild {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.on('exit', (code, signal) => resolveExit({ code, signal })),
  );
  const ready = new Promise<Record<string, unknown>>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`child did not report ready in ${timeoutMillis} ms; stderr: ${err}`)), timeoutMillis);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          clearTimeout(timer);
          resolveReady(parsed);
          return;
        } catch {
          // a partial line; wait for more
        }
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code ?? signal}) before ready; stderr: ${err}; stdout: ${out}`));
    });
  });
  ready.catch(() => {});
  return {
    child,
    ready,
    stdout: () => out,
    stderr: () => err,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
