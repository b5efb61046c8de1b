/**
 * Zero-code LLM metrics for the official Anthropic SDK (`@anthropic-ai/sdk`), which has no
 * official OpenTelemetry instrumentation: `gen_ai.client.operation.duration` and
 * `gen_ai.client.token.usage` (input, output, cache_read, cache_write) through
 * `recordLlmCall`, so they land in the same families as the OpenAI instrumentation's.
 */
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  type InstrumentationConfig,
} from '@opentelemetry/instrumentation';
import { PACKAGE_VERSION } from '../../version';
import { unwrapMethod } from '../wrap';
import { patchMessages } from './messages';

/** Versions whose `Messages.create` returns an APIPromise with `_thenUnwrap`; tested with 1.12. */
export const ANTHROPIC_SDK_VERSIONS = ['>=0.50.0 <2'];

interface AnthropicModule {
  Anthropic?: { Messages?: { prototype: object } };
  default?: { Messages?: { prototype: object } };
}

/** The Messages class, from the CommonJS exports or the ESM namespace. */
function messagesPrototype(exports: AnthropicModule): object | undefined {
  return (exports.Anthropic?.Messages ?? exports.default?.Messages)?.prototype;
}

export class AnthropicInstrumentation extends InstrumentationBase {
  constructor(config: InstrumentationConfig = {}) {
    super('agentmeter/instrumentation-anthropic', PACKAGE_VERSION, config);
  }

  protected init(): InstrumentationNodeModuleDefinition {
    return new InstrumentationNodeModuleDefinition(
      '@anthropic-ai/sdk',
      ANTHROPIC_SDK_VERSIONS,
      (exports: AnthropicModule) => {
        const prototype = messagesPrototype(exports);
        if (prototype === undefined || !patchMessages(prototype, () => this.isEnabled())) {
          this._diag.debug('@anthropic-ai/sdk: no Anthropic.Messages.prototype.create; LLM calls are not measured');
        }
        return exports;
      },
      (exports?: AnthropicModule) => {
        const prototype = exports === undefined ? undefined : messagesPrototype(exports);
        if (prototype !== undefined) unwrapMethod(prototype, 'create');
      },
    );
  }
}
