/** `agentmeter db migrate`: creates or updates agentmeter's tables from the SQL files it ships. */
import { Command } from 'commander';

async function migrateCommandAction(): Promise<void> {
  const { createPool } = await import('../events/postgres.js');
  const { migrate } = await import('../events/migrate.js');
  const pool = createPool({ maxConnections: 1 });
  try {
    const { applied, alreadyApplied } = await migrate(pool);
    process.stdout.write(`${JSON.stringify({ success: true, applied, already_applied: alreadyApplied })}\n`);
  } finally {
    await pool.end().catch(() => undefined);
  }
}

function migrateCommand(): Command {
  return new Command('migrate')
    .description('apply the SQL migrations agentmeter ships (idempotent; recorded in agentmeter_schema_migrations)')
    .addHelpText(
      'after',
      '\nConnects with DATABASE_URL, else PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE.\nPrints {"success":true,"applied":[...],"already_applied":[...]}.',
    )
    .action(() => migrateCommandAction());
}

/** `agentmeter db`. */
export function dbCommand(): Command {
  return new Command('db')
    .description('the PostgreSQL tables of routing events')
    .helpCommand('help [command]', 'print usage of a command')
    .addCommand(migrateCommand());
}
