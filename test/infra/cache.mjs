// Where downloaded and built test services live between runs (outside the repo).
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CACHE_DIR = process.env.AGENTMETER_CACHE_DIR ?? join(homedir(), '.cache', 'agentmeter');

export function cacheDir(...parts) {
  const dir = join(CACHE_DIR, ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}
