/**
 * Zero-code LLM metrics for openai 7, which the official `@opentelemetry/instrumentation-openai`
 * (0.22, for openai 4.19 to 6) does not patch: `gen_ai.client.operation.duration`,
 * `gen_ai.client.token.usage` (input, output, cache_read, reasoning) and, for streams, the time
 * to the first chunk and between chunks, through `recordLlmCall` into agentmeter's store. The
 * `openai` instrumentation name enables both: the official one for 4 to 6, this one for 7.
 */
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  type InstrumentationConfig,
} from '@opentelemetry/instrumentation';
import { PACKAGE_VERSION } from '../../version';
import { noticeOnce } from '../notice';
import { unwrapMethod } from '../wrap';
import { patchCreate, type OpenAIOperation } from './create';

/** Versions whose resources' `create` returns an APIPromise with `_thenUnwrap`; tested with 7.59. */
export const OPENAI_SDK_VERSIONS = ['>=7.0.0 <8'];
/** What the official instrumentation covers; together with the above, what the `openai` name measures. */
const OFFICIAL_VERSIONS = '>=4.19.0 <7';

interface ResourceClass {
  prototype: object;
}

interface OpenAIClass {
  Chat?: { Completions?: ResourceClass };
  Responses?: ResourceClass;
  Embeddings?: ResourceClass;
}

interface OpenAIModule {
  OpenAI?: OpenAIClass;
  default?: OpenAIClass;
}

/** The resources patched, with the operation each one's `create` performs. */
function resources(exports: OpenAIModule): Array<[object, OpenAIOperation]> {
  // The CommonJS exports and the ESM namespace both export the client class as `OpenAI`.
  const client = exports.OpenAI ?? exports.default;
  const found: Array<[object | undefined, OpenAIOperation]> = [
    [client?.Chat?.Completions?.prototype, 'chat'],
    // The Responses API is a chat operation in the conventions, as the official instrumentation has it.
    [client?.Responses?.prototype, 'chat'],
    [client?.Embeddings?.prototype, 'embeddings'],
  ];
  return found.filter((entry): entry is [object, OpenAIOperation] => entry[0] !== undefined);
}

/** 4.19 to 6 are the official instrumentation's, 7 is this one's; the rest is named on stderr. */
function measuredElsewhere(version: string | undefined): boolean {
  const match = version === undefined ? null : /^(\d+)\.(\d+)\./.exec(version);
  if (match === null) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return (major === 4 && minor >= 19) || major === 5 || major === 6;
}

export class OpenAIV7Instrumentation extends InstrumentationBase {
  constructor(config: InstrumentationConfig = {}) {
    super('agentmeter/instrumentation-openai', PACKAGE_VERSION, config);
  }

  protected init(): InstrumentationNodeModuleDefinition {
    // Every version is hooked, so one the `openai` name does not measure is named, not skipped in silence.
    return new InstrumentationNodeModuleDefinition(
      'openai',
      ['*'],
      (exports: OpenAIModule, version?: string) => {
        if (version === undefined || !/^7\./.test(version)) {
          if (!measuredElsewhere(version)) {
            noticeOnce(
              `openai@${version}`,
              `agentmeter: openai ${version ?? '(unknown version)'} is not supported by the OpenAI instrumentation (supported: ${OFFICIAL_VERSIONS} ${OPENAI_SDK_VERSIONS.join(' ')}); its calls are not measured`,
            );
          }
          return exports;
        }
        const found = resources(exports);
        let patched = 0;
        for (const [prototype, operation] of found) if (patchCreate(prototype, operation, () => this.isEnabled())) patched++;
        if (patched === 0) noticeOnce(`openai-shape@${version}`, `agentmeter: openai ${version} has no Chat.Completions, Responses or Embeddings create of the known shape; its calls are not measured`);
        return exports;
      },
      (exports?: OpenAIModule) => {
        if (exports === undefined) return;
        for (const [prototype] of resources(exports)) unwrapMethod(prototype, 'create');
      },
    );
  }
}
