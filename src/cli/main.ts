#!/usr/bin/env node
/** The `agentmeter` command: commander parses, each subcommand lives in its own file. */
// Cache V8 code of loaded modules between runs (Node's advice for CLIs): a one-shot
// `agentmeter routing log` loads kafkajs each time. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
import { enableCompileCache } from 'node:module';
enableCompileCache?.();
import { Command, CommanderError } from 'commander';
import { demoCommand } from './demo';
import { routingCommand } from './routing';
import { dbCommand } from './db';
import { jobsCommand } from './jobs';
import { PACKAGE_VERSION } from '../version';

/** Exit status for usage errors (unknown command or flag, bad value), as in most Unix tools. */
const EXIT_USAGE = 2;

export function buildProgram(): Command {
  const program = new Command('agentmeter')
    .description('OpenTelemetry metrics for AI-agent and MCP tool servers')
    .version(PACKAGE_VERSION, '-V, --version', 'print the version')
    .helpCommand('help [command]', 'print usage of a command');
  program.addCommand(demoCommand());
  program.addCommand(routingCommand());
  program.addCommand(dbCommand());
  program.addCommand(jobsCommand());
  program
    .command('version')
    .description('print the version')
    .action(() => console.log(PACKAGE_VERSION));
  // Every command reports a usage error the same way: one line naming it, then one hint.
  for (const command of withSubcommands(program)) {
    const hint = `(run "${commandPath(command)} --help" for usage)`;
    command
      .helpOption('-h, --help', 'print usage')
      .showSuggestionAfterError(true)
      .configureOutput({
        outputError: (text, write) => {
          const message = text.trimEnd().replace(/^error: /, 'agentmeter: ');
          write(message.includes('\n(Did you mean') ? `${message}\n` : `${message}\n${hint}\n`);
        },
      })
      .exitOverride();
  }
  return program;
}

/** A command and all commands below it (`routing` has `log` and `consume`). */
function withSubcommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap((c) => withSubcommands(c))];
}

/** `agentmeter routing log`. */
function commandPath(command: Command): string {
  return command.parent === null ? command.name() : `${commandPath(command.parent)} ${command.name()}`;
}

/** `agentmeter | head` must end quietly, not with an unhandled EPIPE. */
function exitQuietlyOnEpipe(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

async function main(argv: string[]): Promise<number> {
  exitQuietlyOnEpipe();
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    // A command that ends with its own status (routing log: 2 refused, 3 no sink) sets it.
    return Number(process.exitCode ?? 0);
  } catch (err) {
    // exitOverride turns help, version and usage errors into throws; commander has printed them.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
    console.error(`agentmeter: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
