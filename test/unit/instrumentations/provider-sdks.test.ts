import { describe, expect, it } from 'vitest';
import { InstrumentationNodeModuleDefinition, type Instrumentation } from '@opentelemetry/instrumentation';
import { ProviderSdks } from '../../../src/instrumentations/provider-sdks';

/** An instrumentation that patches `module` in `range` (as the official OpenAI one does 4.19 to 6.x). */
function peer(module: string, range: string, enabled: boolean): Instrumentation {
  const definition = new InstrumentationNodeModuleDefinition(module, [range], (exports: unknown) => exports);
  return { isEnabled: () => enabled, getModuleDefinitions: () => [definition] } as unknown as Instrumentation;
}

describe('ProviderSdks', () => {
  it('calls an SDK measured when an enabled peer patches every loaded version of it', () => {
    const sdks = new ProviderSdks();
    sdks.setPeers([peer('openai', '>=4.19.0 <7', true), peer('@anthropic-ai/sdk', '>=0.50.0 <2', true)]);
    expect(sdks.measured('openai')).toBe(false); // not loaded
    sdks.sawLoad('openai', '6.49.0');
    sdks.sawLoad('@anthropic-ai/sdk', '0.122.0');
    expect([sdks.measured('openai'), sdks.measured('@anthropic-ai/sdk')]).toEqual([true, true]);
    // openai 7 beside it: a version the peer does not patch.
    sdks.sawLoad('openai', '7.59.0');
    expect(sdks.measured('openai')).toBe(false);
  });

  it('does not count a disabled peer, nor one for another package', () => {
    const sdks = new ProviderSdks();
    sdks.sawLoad('openai', '6.49.0');
    sdks.setPeers([peer('openai', '*', false), peer('@anthropic-ai/sdk', '*', true)]);
    expect(sdks.measured('openai')).toBe(false);
    sdks.setPeers([]);
    expect(sdks.measured('openai')).toBe(false);
  });
});
