#!/usr/bin/env node
/** The `agentmeter` command: thin argument parsing over the library. */
import { runDemo } from './demo';
import { ConfigError } from '../errors';
import { PACKAGE_VERSION } from '../version';

const USAGE = `usage: agentmeter <command>

commands:
  demo [--port N] [--summary-port N] [--seconds N] [--requests N]
                                  run a simulated agent; Prometheus metrics on port 9464, status page
                                  and JSON summary on 9109 (0 picks free ports)
  version                         print the version
  help                            print this text`;

function numberFlag(args: string[], flag: string): number | undefined {
  const i = args.indexOf(flag);
  if (i === -1) return undefined;
  const value = Number(args[i + 1]);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(flag, args[i + 1], 'a non-negative integer');
  return value;
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'demo': {
      const seconds = numberFlag(rest, '--seconds');
      await runDemo({ port: numberFlag(rest, '--port'), summaryPort: numberFlag(rest, '--summary-port'), requests: numberFlag(rest, '--requests'), durationMillis: seconds === undefined ? undefined : seconds * 1000 });
      return 0;
    }
    case 'version':
      console.log(PACKAGE_VERSION);
      return 0;
    case 'help':
    case undefined:
      console.log(USAGE);
      return 0;
    default:
      console.error(`agentmeter: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`agentmeter: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
