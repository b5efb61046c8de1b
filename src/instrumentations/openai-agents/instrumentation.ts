/**
 * Zero-code agent metrics for the OpenAI Agents SDK (`@openai/agents`), which has no
 * OpenTelemetry of its own but trace processors: when `@openai/agents-core` loads (CommonJS or
 * ESM), agentmeter's processor joins the global trace provider beside the app's own, and stays
 * when the app (or `@openai/agents` itself, for its default exporter) replaces the processors.
 * It only reads spans: it exports nothing and starts no export. When `@openai/agents-openai`
 * loads, its models' calls get LLM frames, so a call the `openai` hook measured is not counted
 * again from its span.
 */
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  type InstrumentationConfig,
} from '@opentelemetry/instrumentation';
import { PACKAGE_VERSION } from '../../version';
import { noticeOnce } from '../notice';
import { unwrapMethod, wrapMethod, type AnyFunction } from '../wrap';
import { patchModel } from './models';
import { AgentsMetricsProcessor } from './processor';
import { isTraceProvider, type AgentsCoreModule, type AgentsOpenAIModule, type TraceProvider } from './sdk-types';

/** The versions whose tracing API and models are known here (the first on openai 7); tested with 0.20. */
export const OPENAI_AGENTS_VERSIONS = ['>=0.15.0 <1'];

/** `>=0.15.0 <1`. */
function isSupported(version: string | undefined): boolean {
  const match = version === undefined ? null : /^0\.(\d+)\./.exec(version);
  return match !== null && Number(match[1]) >= 15;
}

function unsupported(name: string, version: string | undefined): void {
  noticeOnce(
    `openai-agents:${name}@${version}`,
    `agentmeter: ${name} ${version ?? '(unknown version)'} is not supported by the OpenAI Agents instrumentation (supported: ${OPENAI_AGENTS_VERSIONS.join(' ')}); its agents are not measured`,
  );
}

/** The SDK's id of the traces and spans it makes while tracing is disabled. */
const NOOP_ID = 'no-op';

/** The one global provider (the SDK keeps it on globalThis): joined once whichever build loads first. */
const joined = new WeakSet<object>();

export class OpenAIAgentsInstrumentation extends InstrumentationBase {
  /** Set in init(), which the base constructor calls before field initialisers run. */
  declare private processor: AgentsMetricsProcessor;

  constructor(config: InstrumentationConfig = {}) {
    super('agentmeter/instrumentation-openai-agents', PACKAGE_VERSION, config);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    this.processor = new AgentsMetricsProcessor(() => this.isEnabled());
    const core = new InstrumentationNodeModuleDefinition(
      '@openai/agents-core',
      // Every version is hooked, so one not known here is named, not skipped in silence.
      ['*'],
      (exports: AgentsCoreModule, version?: string) => {
        if (!isSupported(version)) unsupported('@openai/agents-core', version);
        else this.join(exports, version);
        return exports;
      },
      (exports?: AgentsCoreModule) => {
        const provider = exports === undefined ? undefined : globalProvider(exports);
        if (provider === undefined) return;
        unwrapMethod(provider, 'setProcessors');
        unwrapMethod(provider, 'createTrace');
      },
    );
    const models = new InstrumentationNodeModuleDefinition(
      '@openai/agents-openai',
      ['*'],
      (exports: AgentsOpenAIModule, version?: string) => {
        if (!isSupported(version)) return exports;
        for (const model of [exports.OpenAIResponsesModel, exports.OpenAIChatCompletionsModel]) {
          if (model?.prototype !== undefined) patchModel(model.prototype, () => this.isEnabled());
        }
        return exports;
      },
      (exports?: AgentsOpenAIModule) => {
        for (const model of [exports?.OpenAIResponsesModel, exports?.OpenAIChatCompletionsModel]) {
          if (model?.prototype === undefined) continue;
          unwrapMethod(model.prototype, 'getResponse');
          unwrapMethod(model.prototype, 'getStreamedResponse');
        }
      },
    );
    return [core, models];
  }

  /** Adds the processor to the global provider, first in its list, and keeps it there. */
  private join(exports: AgentsCoreModule, version: string | undefined): void {
    const provider = globalProvider(exports);
    if (provider === undefined) {
      noticeOnce(`openai-agents-shape@${version}`, `agentmeter: @openai/agents-core ${version} has no trace provider of the known shape; its agents are not measured`);
      return;
    }
    if (joined.has(provider)) return;
    joined.add(provider);
    const processor = this.processor;
    const enabled = (): boolean => this.isEnabled();
    // setTraceProcessors() replaces the list: `@openai/agents` does so on import (for its
    // exporter to OpenAI's backend), apps do to drop that exporter. Ours is put back, first, so
    // it receives each span synchronously from the SDK, before any other processor awaits.
    wrapMethod(provider, 'setProcessors', (original) =>
      function setProcessors(this: unknown, ...args: unknown[]): unknown {
        const list = args[0];
        if (!Array.isArray(list) || list.includes(processor)) return original.apply(this, args);
        return original.apply(this, [[processor, ...list], ...args.slice(1)]);
      } as AnyFunction,
    );
    // Disabled tracing makes no spans, so nothing to measure: said once, on stderr, at the first run.
    wrapMethod(provider, 'createTrace', (original) =>
      function createTrace(this: unknown, ...args: unknown[]): unknown {
        const trace = original.apply(this, args);
        if ((trace as { traceId?: unknown } | null)?.traceId === NOOP_ID && enabled()) {
          noticeOnce(
            'openai-agents-disabled',
            'agentmeter: @openai/agents tracing is disabled (OPENAI_AGENTS_DISABLE_TRACING, setTracingDisabled or NODE_ENV=test), so its agents, tool calls and handoffs are not measured; its model calls still are, by the openai instrumentation',
          );
        }
        return trace;
      } as AnyFunction,
    );
    provider.registerProcessor(processor);
  }
}

function globalProvider(exports: AgentsCoreModule): TraceProvider | undefined {
  if (typeof exports.getGlobalTraceProvider !== 'function') return undefined;
  try {
    const provider = exports.getGlobalTraceProvider();
    return isTraceProvider(provider) ? provider : undefined;
  } catch {
    return undefined;
  }
}
