// The committed Grafana and rule files, read from disk (tests check what ships, not the source).
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PATHS } from '../../../grafana/src/paths';

export const ROOT = resolve(__dirname, '../../..');

export function read(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

export interface DashboardJson {
  uid: string;
  title: string;
  description?: string;
  panels: Array<PanelJson>;
  templating: { list: Array<{ name: string; type: string; query?: unknown; datasource?: { uid: string }; multi?: boolean; includeAll?: boolean; allValue?: string }> };
}

export interface PanelJson {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Array<{ refId: string; expr: string; datasource?: { uid: string }; instant?: boolean }>;
  fieldConfig?: { defaults?: { thresholds?: { steps: Array<{ value: number | null }> }; links?: Array<{ url: string }>; unit?: string } };
  /** A row's collapsed state, and a collapsed row's own panels. */
  collapsed?: boolean;
  panels?: PanelJson[];
}

/** Every committed dashboard, by file name. */
export function dashboards(): Map<string, DashboardJson> {
  const dir = join(ROOT, PATHS.dashboards);
  return new Map(readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as DashboardJson]));
}
