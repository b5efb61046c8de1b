/** `npm run grafana`: writes every generated file (dashboards, rules, provisioning, docs). */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generate } from './generate';

/** The repository root: the nearest directory above this file that holds grafana/src/main.ts. */
function repositoryRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'grafana', 'src', 'main.ts'))) return dir;
  }
  throw new Error(`cannot find the repository root above ${__dirname}`);
}

const root = repositoryRoot();
const files = generate();
for (const [path, content] of files) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}
console.log(`grafana: wrote ${files.size} files under ${root}`);
