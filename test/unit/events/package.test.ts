// What `agentmeter routing` and `agentmeter db migrate` read at run time ships in the package:
// the schema and the migrations are resolved from the package root (src/events/assets.ts).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENTS_ASSET_DIR, MIGRATIONS_DIR, SCHEMA_PATH } from '../../../src/events/assets';
import { ROOT } from '../../infra/child';

describe('the package', () => {
  it('ships the routing-event schema and every migration', () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as [{ files: { path: string }[] }];
    const files = new Set(pack.files.map((f) => f.path));
    expect(relative(ROOT, EVENTS_ASSET_DIR)).toBe('src/events');
    expect(files.has(relative(ROOT, SCHEMA_PATH))).toBe(true);
    for (const sql of readdirSync(MIGRATIONS_DIR)) expect(files.has(`src/events/migrations/${sql}`), sql).toBe(true);
    // and none of the TypeScript sources beside them
    expect([...files].filter((f) => f.startsWith('src/')).sort()).toEqual([
      'src/events/migrations/0001_router_performance_metrics.sql',
      'src/events/routing-event.schema.json',
      'src/exporters/summary/history.schema.json',
      'src/exporters/summary/metrics-summary.schema.json',
    ]);
  });
});
