/**
 * Zero-code metrics for Mastra (`@mastra/core` 1.x) through its observability exporter
 * interface: agentmeter's exporter (exporter.ts) is added beside the app's in every Mastra
 * instance's observability (observability.ts) and turns agent, tool, model and workflow spans
 * into records (spans.ts). Hooked: the `Mastra` class, from `@mastra/core`'s main entry and its
 * `@mastra/core/mastra` entry, in the CommonJS and ESM builds.
 *
 * Model calls: Mastra runs the model (`doGenerate` / `doStream` of an AI SDK provider model) in
 * its own bundled agent loop, which publishes nothing on the AI SDK's `ai:telemetry` channel
 * and calls providers over fetch, not through the SDKs agentmeter patches; its inference spans
 * are therefore the one place each of those calls is seen, and are recorded.
 */
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  type InstrumentationConfig,
} from '@opentelemetry/instrumentation';
import { PACKAGE_VERSION } from '../../version';
import { coverSpanScope, uncoverSpanScope } from '../coverage';
import { noticeOnce } from '../notice';
import { satisfiesRange } from '../version-range';
import { AgentmeterExporter } from './exporter';
import { attachTo, bootstrap, isNoOp } from './observability';
import { MastraSpanRecorder } from './spans';

/** `@mastra/core` versions hooked (those `@mastra/observability` 1.x supports); tested with 1.71.0. */
export const MASTRA_CORE_VERSIONS = ['>=1.16.0 <2'];

/**
 * Mastra's own OpenTelemetry exporter (`@mastra/otel-exporter`) and bridge (`@mastra/otel-bridge`,
 * which makes real spans of the global tracer provider) turn the same spans into OpenTelemetry
 * spans of these scopes, with the GenAI attributes: the span bridge leaves them alone.
 */
export const MASTRA_OTEL_SCOPES = ['@mastra/otel-exporter', '@mastra/otel-bridge'];

const MASTRA_FILES = ['dist/mastra/index.js', 'dist/mastra/index.cjs'];

interface MastraModule {
  Mastra?: { prototype: object };
  [Symbol.toStringTag]?: unknown;
}

/** Marks a getter as agentmeter's, with the original beside it for unpatching. */
const ORIGINAL_GETTER = Symbol('agentmeter.mastra.observability');

export class MastraInstrumentation extends InstrumentationBase {
  private recorderInstance: MastraSpanRecorder | undefined;
  private exporterInstance: AgentmeterExporter | undefined;
  /** Mastra instances this instrumentation has tried to give an observability (once each). */
  private readonly bootstrapped = new WeakSet<object>();

  constructor(config: InstrumentationConfig = {}) {
    super('agentmeter/instrumentation-mastra', PACKAGE_VERSION, config);
  }

  /** The exporter added to every Mastra (made on first use: init() runs before field initialisers). */
  get exporter(): AgentmeterExporter {
    this.recorderInstance ??= new MastraSpanRecorder();
    this.exporterInstance ??= new AgentmeterExporter(this.recorderInstance, () => this.isEnabled());
    return this.exporterInstance;
  }

  /** The span state in progress (for tests). */
  get recorder(): MastraSpanRecorder {
    void this.exporter;
    return this.recorderInstance!;
  }

  override enable(): void {
    super.enable();
    for (const scope of MASTRA_OTEL_SCOPES) coverSpanScope(scope);
  }

  override disable(): void {
    super.disable();
    for (const scope of MASTRA_OTEL_SCOPES) uncoverSpanScope(scope);
  }

  protected init(): InstrumentationNodeModuleDefinition {
    const patch = (moduleExports: MastraModule, version?: string): MastraModule => {
      this.patchModule(moduleExports, version);
      return moduleExports;
    };
    const unpatch = (moduleExports?: MastraModule): void => {
      if (moduleExports?.Mastra?.prototype !== undefined) unpatchGetter(moduleExports.Mastra.prototype);
    };
    const files = MASTRA_FILES.map((file) => new InstrumentationNodeModuleFile(`@mastra/core/${file}`, ['*'], patch, unpatch));
    return new InstrumentationNodeModuleDefinition('@mastra/core', ['*'], patch, unpatch, files);
  }

  /** Wraps the `observability` getter of the module's Mastra class. */
  patchModule(moduleExports: MastraModule, version: string | undefined): void {
    const prototype = moduleExports.Mastra?.prototype;
    if (prototype === undefined) return;
    if (version === undefined || !MASTRA_CORE_VERSIONS.some((range) => satisfiesRange(version, range))) {
      noticeOnce(
        `mastra:${version}`,
        `agentmeter: @mastra/core ${version ?? '(unknown version)'} is not supported by the Mastra instrumentation (supported: ${MASTRA_CORE_VERSIONS.join(' ')}); its agents are not measured`,
      );
      return;
    }
    // An ES module namespace: Mastra was loaded as ESM, and so must @mastra/observability be.
    const esm = moduleExports[Symbol.toStringTag] === 'Module';
    if (!patchGetter(prototype, (mastra, read) => this.onRead(mastra, read, esm))) {
      noticeOnce(`mastra-shape:${version}`, `agentmeter: @mastra/core ${version} has no Mastra.observability getter; its agents are not measured`);
    }
  }

  /** A read of `mastra.observability`: the entrypoint, with agentmeter's exporter in it. */
  private onRead(mastra: object, read: () => unknown, esm: boolean): unknown {
    const entrypoint = read();
    if (!this.isEnabled()) return entrypoint;
    try {
      if (!isNoOp(entrypoint)) {
        attachTo(entrypoint as object, this.exporter);
        return entrypoint;
      }
      if (this.bootstrapped.has(mastra)) return entrypoint;
      this.bootstrapped.add(mastra);
      // Mastra now holds the new entrypoint: read again, so this first run is measured too.
      return bootstrap(mastra, this.exporter, esm) ? read() : entrypoint;
    } catch {
      // An observability of a shape not known here: the app goes on without agentmeter's exporter.
      return entrypoint;
    }
  }
}

type ReadHook = (mastra: object, read: () => unknown) => unknown;

function patchGetter(prototype: object, onRead: ReadHook): boolean {
  const descriptor = Object.getOwnPropertyDescriptor(prototype, 'observability');
  const get = descriptor?.get;
  if (get === undefined) return false;
  if ((get as { [ORIGINAL_GETTER]?: unknown })[ORIGINAL_GETTER] !== undefined) return true;
  const wrapped = function observability(this: object): unknown {
    return onRead(this, () => get.call(this));
  };
  Object.defineProperty(wrapped, ORIGINAL_GETTER, { value: get });
  Object.defineProperty(prototype, 'observability', { ...descriptor, get: wrapped });
  return true;
}

function unpatchGetter(prototype: object): void {
  const descriptor = Object.getOwnPropertyDescriptor(prototype, 'observability');
  const original = (descriptor?.get as { [ORIGINAL_GETTER]?: () => unknown } | undefined)?.[ORIGINAL_GETTER];
  if (descriptor !== undefined && original !== undefined) Object.defineProperty(prototype, 'observability', { ...descriptor, get: original });
}
