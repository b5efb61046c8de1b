/**
 * Putting agentmeter's exporter beside the app's in a Mastra instance's observability.
 *
 * Mastra reads `mastra.observability` (a getter on the Mastra class) whenever it starts a root
 * span. The getter is wrapped: on the first read of an observability entrypoint (the
 * `Observability` of `@mastra/observability` the app passed to `new Mastra({ observability })`,
 * or one registered later), every instance in it gets the exporter through its own
 * `registerExporter`, the method Mastra's platform exporter is added with; instances registered
 * later get it too. The app's exporters, sampling and processors are left as they are.
 *
 * A Mastra with no observability configured has a no-op one, which starts no spans. If
 * `@mastra/observability` is installed, agentmeter then gives it an entrypoint with one
 * instance whose only exporter is agentmeter's, through `mastra.registerExporter(exporter,
 * instance, entrypoint)`, Mastra's documented way to bootstrap one. The package is loaded in
 * the module system Mastra itself was loaded in (an ES module through `require`, which Node
 * 22.12+ supports), so both share one `@mastra/core`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { noticeOnce } from '../notice';
import { wrapMethod, type AnyFunction } from '../wrap';

interface InstanceLike {
  registerExporter?(exporter: unknown): void;
  getExporters?(): unknown;
}

interface EntrypointLike {
  listInstances?(): unknown;
  getDefaultInstance?(): unknown;
  registerInstance?: unknown;
}

interface MastraLike {
  registerExporter?(exporter: unknown, instance: unknown, entrypoint: unknown): void;
}

interface ObservabilityModule {
  Observability?: new (config: unknown) => unknown;
  DefaultObservabilityInstance?: new (config: unknown) => unknown;
}

/** Entrypoints whose instances have the exporter (and whose later instances will). */
const attached = new WeakSet<object>();

function addTo(instance: unknown, exporter: object): void {
  const target = instance as InstanceLike | null;
  if (target === null || typeof target !== 'object' || typeof target.registerExporter !== 'function') return;
  const current = target.getExporters?.();
  if (Array.isArray(current) && current.includes(exporter)) return;
  target.registerExporter(exporter);
}

function instancesOf(entrypoint: EntrypointLike): unknown[] {
  const list = entrypoint.listInstances?.();
  return list instanceof Map ? [...list.values()] : [];
}

/** True when the entrypoint is Mastra's no-op one (nothing configured). */
export function isNoOp(entrypoint: unknown): boolean {
  if (typeof entrypoint !== 'object' || entrypoint === null) return true;
  const e = entrypoint as EntrypointLike;
  return instancesOf(e).length === 0 && e.getDefaultInstance?.() === undefined;
}

/** Adds the exporter to every instance of `entrypoint`, now and when one is registered later. */
export function attachTo(entrypoint: object, exporter: object): void {
  if (attached.has(entrypoint)) return;
  attached.add(entrypoint);
  const e = entrypoint as EntrypointLike;
  for (const instance of instancesOf(e)) addTo(instance, exporter);
  // An own wrapper on this one entrypoint: an instance registered later gets the exporter too.
  wrapMethod(entrypoint, 'registerInstance', (original) =>
    function registerInstance(this: unknown, ...args: unknown[]): unknown {
      const result = original.apply(this, args);
      try {
        addTo(args[1], exporter);
      } catch {
        // An instance of another shape: it goes on without agentmeter.
      }
      return result;
    } as AnyFunction,
  );
}

/**
 * Gives a Mastra with no observability an entrypoint whose one instance exports to agentmeter;
 * false when `@mastra/observability` or `mastra.registerExporter` is not there.
 */
export function bootstrap(mastra: object, exporter: object, esm: boolean): boolean {
  const m = mastra as MastraLike;
  if (typeof m.registerExporter !== 'function') return false;
  const observability = loadObservability(esm);
  if (observability?.Observability === undefined || observability.DefaultObservabilityInstance === undefined) return false;
  const entrypoint = new observability.Observability({ configs: {} }) as object;
  const instance = new observability.DefaultObservabilityInstance({ serviceName: 'mastra', name: 'default', exporters: [] });
  // Marked first: registerExporter adds the exporter itself.
  attached.add(entrypoint);
  m.registerExporter(exporter, instance, entrypoint);
  return true;
}

/** `@mastra/observability` as the app would resolve it, in the build matching Mastra's. */
function loadObservability(esm: boolean): ObservabilityModule | undefined {
  const from = [process.argv[1] === undefined ? undefined : dirname(process.argv[1]), process.cwd()].filter((p): p is string => p !== undefined);
  let manifest: string;
  try {
    manifest = require.resolve('@mastra/observability/package.json', { paths: from });
  } catch {
    noticeOnce(
      'mastra:no-observability',
      'agentmeter: a Mastra instance has no observability configured and @mastra/observability is not installed; its agents, tools and workflows are not measured (install @mastra/observability)',
    );
    return undefined;
  }
  try {
    return require(join(dirname(manifest), entryOf(manifest, esm ? 'import' : 'require'))) as ObservabilityModule;
  } catch {
    noticeOnce('mastra:load-observability', 'agentmeter: @mastra/observability could not be loaded for a Mastra instance with no observability configured; its agents, tools and workflows are not measured');
    return undefined;
  }
}

/** A package's entry for `import` or `require`, from its package.json `exports["."]`. */
function entryOf(manifest: string, condition: 'import' | 'require'): string {
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: { '.'?: Record<string, string | { default?: string } | undefined> } };
  const entry = pkg.exports?.['.']?.[condition];
  const path = typeof entry === 'string' ? entry : entry?.default;
  if (typeof path !== 'string') throw new Error(`no ${condition} entry`);
  return path;
}

