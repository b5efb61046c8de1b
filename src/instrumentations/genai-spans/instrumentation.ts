/**
 * `genai-spans`: GenAI-convention spans from any framework (`execute_tool`, `invoke_agent`,
 * `invoke_workflow`, and the model-call operations) become agentmeter's metrics, for the spans no
 * direct hook measured. Not a module patch: enabling it puts the bridge in front of the global
 * tracer provider (tracer.ts).
 */
import { InstrumentationBase, InstrumentationNodeModuleDefinition, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import { PACKAGE_VERSION } from '../../version';
import { apiLoaded, installSpanBridge, uninstallSpanBridge } from './install';

interface ApiModule {
  trace?: { getTracerProvider(): import('@opentelemetry/api').TracerProvider };
  default?: ApiModule;
}

export class GenAiSpansInstrumentation extends InstrumentationBase {
  constructor(config: InstrumentationConfig = {}) {
    super('agentmeter/instrumentation-genai-spans', PACKAGE_VERSION, config);
  }

  /**
   * Every copy of the OpenTelemetry API loaded later (a framework may pin its own version, which
   * npm nests under it), CommonJS or ESM: with no provider registered, each has its own proxy.
   */
  protected init(): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition('@opentelemetry/api', ['>=1.0.0 <2'], (exports: ApiModule) => {
      apiLoaded(exports.trace === undefined ? exports.default : exports);
      return exports;
    });
  }

  override enable(): void {
    super.enable();
    installSpanBridge();
  }

  override disable(): void {
    super.disable();
    uninstallSpanBridge();
  }
}
