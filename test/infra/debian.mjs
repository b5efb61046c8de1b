// A Debian package's files unpacked into a directory (never installed: no system service, no
// maintainer scripts), for the test services taken from Debian (Prometheus, Alertmanager).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { run } from './process.mjs';

export async function unpackDebianPackage(name, root) {
  const work = mkdtempSync(join(tmpdir(), 'agentmeter-deb-'));
  try {
    try {
      await run('apt-get', ['download', name], { cwd: work });
    } catch {
      // A fresh machine may have no package lists yet.
      await run('apt-get', ['update', '-qq']);
      await run('apt-get', ['download', name], { cwd: work });
    }
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${name} produced no .deb in ${work}`);
    await run('dpkg-deb', ['-x', join(work, deb), root]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
