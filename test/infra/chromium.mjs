// Debian's chromium for the status-page test: installed with apt-get when missing (as root).
import { existsSync } from 'node:fs';
import { run } from './process.mjs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export async function ensureChromium() {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('apt-get', ['install', '-y', '-q', 'chromium'], { env, maxBuffer: 64 * 1024 * 1024 });
  } catch {
    await run('apt-get', ['update', '-qq'], { env });
    await run('apt-get', ['install', '-y', '-q', 'chromium'], { env, maxBuffer: 64 * 1024 * 1024 });
  }
  const installed = CANDIDATES.find((p) => existsSync(p));
  if (!installed) throw new Error('apt-get install chromium finished but no chromium binary was found');
  return installed;
}
