// Alertmanager and amtool from Debian's `prometheus-alertmanager` package, unpacked (never
// installed as a system service) into the cache, as prometheus.mjs does for Prometheus.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './cache.mjs';
import { unpackDebianPackage } from './debian.mjs';
import { freePort, startProcess, waitFor } from './process.mjs';

const PACKAGE = 'prometheus-alertmanager';

function binaries(root) {
  const bin = join(root, 'usr', 'bin');
  // Debian renames the server binary; amtool keeps its name.
  return { alertmanager: join(bin, 'prometheus-alertmanager'), amtool: join(bin, 'amtool') };
}

/** Paths of the alertmanager and amtool binaries, downloading them once. */
export async function ensureAlertmanagerBinaries() {
  const root = cacheDir('alertmanager');
  const found = binaries(root);
  if (existsSync(found.alertmanager) && existsSync(found.amtool)) return found;
  await unpackDebianPackage(PACKAGE, root);
  return found;
}

/**
 * Starts Alertmanager with `configPath` on a free loopback port, its data under `<dir>/data`.
 * Clustering is off (`--cluster.listen-address=`): a single instance needs no gossip port.
 * Debian's build reads its default notification template from the absolute path
 * /usr/share/prometheus/alertmanager/default.tmpl (no flag changes it) and refuses every config
 * without it; rather than write into /usr/share, it runs in a private mount namespace whose
 * /usr/share is overlaid with the unpacked package's (needs root, as the test machine has).
 */
export async function startAlertmanager(dir, configPath) {
  const { alertmanager, amtool } = await ensureAlertmanagerBinaries();
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  const port = await freePort();
  const logPath = join(dir, 'alertmanager.log');
  const root = cacheDir('alertmanager');
  const pid = startProcess(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      // exec keeps one pid from unshare to Alertmanager, so stopProcess(pid) stops it.
      'mount -t overlay overlay -o "lowerdir=$0:/usr/share" /usr/share && exec "$@"',
      join(root, 'usr', 'share'),
      alertmanager,
      `--config.file=${configPath}`,
      `--storage.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { logPath },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor('Alertmanager', async () => (await fetch(`${url}/-/ready`)).ok, { logPath, pid });
  return { pid, url, port, logPath, amtool };
}
