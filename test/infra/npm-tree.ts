// What an install put on disk: every package under a node_modules tree, where it sits, and
// how many bytes it takes. Used to check that npm resolved agentmeter's dependencies flat.
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface InstalledPackage {
  name: string;
  version: string;
  /** Its directory. */
  path: string;
  /** Below another package's node_modules rather than at the top: a second copy of something. */
  nested: boolean;
}

/** Every package installed under `nodeModules` (the top-level dir and each package's own node_modules). */
export function installedPackages(nodeModules: string, nested = false): InstalledPackage[] {
  const found: InstalledPackage[] = [];
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith('.')) continue;
    const names = entry.startsWith('@') ? readdirSync(join(nodeModules, entry)).map((name) => `${entry}/${name}`) : [entry];
    for (const name of names) {
      const path = join(nodeModules, name);
      const manifest = join(path, 'package.json');
      if (!existsSync(manifest)) continue;
      const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
      found.push({ name, version, path, nested });
      const below = join(path, 'node_modules');
      if (existsSync(below)) found.push(...installedPackages(below, true));
    }
  }
  return found;
}

/** The bytes of every file under `dir` (apparent sizes; symbolic links not followed). */
export function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(path);
    else if (entry.isFile()) total += lstatSync(path).size;
  }
  return total;
}
