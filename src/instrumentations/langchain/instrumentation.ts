/**
 * Zero-code metrics for LangChain.js (`@langchain/core` 1.x, which `langchain` 1.x and
 * LangGraph run on): a callback handler joins every run (manager.ts) and records tool calls,
 * model calls and `createAgent` agents (handler.ts). The file hooked is
 * `dist/callbacks/manager` of `@langchain/core`, in its CommonJS and ESM builds.
 *
 * Model calls a provider-SDK hook measures are left to it: the instrumentation also watches
 * which versions of those SDKs load, and asks the other instrumentations `start()` made whether
 * one of them patches that version (provider-sdks.ts).
 */
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  type Instrumentation,
  type InstrumentationConfig,
} from '@opentelemetry/instrumentation';
import { PACKAGE_VERSION } from '../../version';
import { coverSpanScope, uncoverSpanScope } from '../coverage';
import { noticeOnce } from '../notice';
import { PROVIDER_SDK_PACKAGES, ProviderSdks } from '../provider-sdks';
import { satisfiesRange } from '../version-range';
import { MetricsCallbackHandler } from './handler';
import { patchCallbackManager, unpatchCallbackManager } from './manager';

/** `@langchain/core` versions whose CallbackManager has `_configureSync`; tested with 1.0.0 and 1.4.0. */
export const LANGCHAIN_CORE_VERSIONS = ['>=1.0.0 <2'];

/**
 * LangSmith's tracer, in its OpenTelemetry mode, puts the `gen_ai.*` attributes of the runs
 * measured here on spans of this scope: the span bridge leaves them alone.
 */
export const LANGSMITH_SCOPE = 'langsmith';

const MANAGER_FILES = ['dist/callbacks/manager.cjs', 'dist/callbacks/manager.js'];

interface ManagerModule {
  CallbackManager?: object;
}

export class LangChainInstrumentation extends InstrumentationBase {
  private readonly sdks = new ProviderSdks();
  private handlerInstance: MetricsCallbackHandler | undefined;

  constructor(config: InstrumentationConfig = {}) {
    super('agentmeter/instrumentation-langchain', PACKAGE_VERSION, config);
  }

  /** The handler every run gets (made on first use: init() runs before field initialisers). */
  get handler(): MetricsCallbackHandler {
    this.handlerInstance ??= new MetricsCallbackHandler({
      enabled: () => this.isEnabled(),
      sdkMeasured: (sdk) => this.sdks.measured(sdk),
    });
    return this.handlerInstance;
  }

  /** The instrumentations started beside this one: the provider-SDK hooks among them are asked. */
  setPeers(peers: readonly Instrumentation[]): void {
    this.sdks.setPeers(peers.filter((peer) => peer !== this));
  }

  override enable(): void {
    super.enable();
    coverSpanScope(LANGSMITH_SCOPE);
  }

  override disable(): void {
    super.disable();
    uncoverSpanScope(LANGSMITH_SCOPE);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    const files = MANAGER_FILES.map(
      (file) =>
        new InstrumentationNodeModuleFile(
          `@langchain/core/${file}`,
          ['*'],
          (moduleExports: ManagerModule, version?: string) => {
            this.patchManager(moduleExports, version);
            return moduleExports;
          },
          (moduleExports?: ManagerModule) => {
            if (moduleExports?.CallbackManager !== undefined) unpatchCallbackManager(moduleExports.CallbackManager);
          },
        ),
    );
    // Not patched: loading them tells which SDK versions the process runs.
    const sdks = PROVIDER_SDK_PACKAGES.map(
      (sdk) =>
        new InstrumentationNodeModuleDefinition(sdk, ['*'], (moduleExports: unknown, version?: string) => {
          this.sdks.sawLoad(sdk, version);
          return moduleExports;
        }),
    );
    return [new InstrumentationNodeModuleDefinition('@langchain/core', ['*'], undefined, undefined, files), ...sdks];
  }

  private patchManager(moduleExports: ManagerModule, version: string | undefined): void {
    if (version === undefined || !LANGCHAIN_CORE_VERSIONS.some((range) => satisfiesRange(version, range))) {
      noticeOnce(
        `langchain:${version}`,
        `agentmeter: @langchain/core ${version ?? '(unknown version)'} is not supported by the LangChain instrumentation (supported: ${LANGCHAIN_CORE_VERSIONS.join(' ')}); its runs are not measured`,
      );
      return;
    }
    if (moduleExports.CallbackManager === undefined || !patchCallbackManager(moduleExports.CallbackManager, this.handler, () => this.isEnabled())) {
      noticeOnce(`langchain-shape:${version}`, `agentmeter: @langchain/core ${version} has no CallbackManager.configure; its runs are not measured`);
    }
  }
}
