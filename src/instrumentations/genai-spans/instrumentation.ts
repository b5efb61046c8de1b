/**
 * `genai-spans`: GenAI-convention spans from any framework (`execute_tool`, `invoke_agent`,
 * `invoke_workflow`, and the model-call operations) become agentmeter's metrics, for the spans no
 * direct hook measured. Not a module patch: enabling it puts the bridge in front of the global
 * tracer provider (tracer.ts).
 */
import { InstrumentationBase, type InstrumentationConfig, type InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import { PACKAGE_VERSION } from '../../version';
import { installSpanBridge, uninstallSpanBridge } from './install';

export class GenAiSpansInstrumentation extends InstrumentationBase {
  constructor(config: InstrumentationConfig = {}) {
    super('agentmeter/instrumentation-genai-spans', PACKAGE_VERSION, config);
  }

  protected init(): InstrumentationModuleDefinition[] {
    return [];
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
