// The module definition the Anthropic instrumentation hands to InstrumentationBase.
import { describe, expect, it } from 'vitest';
import { AnthropicInstrumentation, ANTHROPIC_SDK_VERSIONS } from '../../../../src/instrumentations/anthropic/instrumentation';

describe('AnthropicInstrumentation', () => {
  it.each([
    ['CommonJS exports (Anthropic)', (Messages: object) => ({ Anthropic: { Messages } })],
    ['an ESM namespace (default)', (Messages: object) => ({ default: { Messages } })],
  ])('patches and unpatches Messages.prototype.create found through %s', (_shape, exportsOf) => {
    class Messages {
      create(): string {
        return 'original';
      }
    }
    const original = Messages.prototype.create;
    const [definition] = new AnthropicInstrumentation({ enabled: false }).getModuleDefinitions();
    expect([definition!.name, definition!.supportedVersions]).toEqual(['@anthropic-ai/sdk', ANTHROPIC_SDK_VERSIONS]);
    const exports = exportsOf(Messages);
    expect(definition!.patch!(exports)).toBe(exports);
    expect(Messages.prototype.create).not.toBe(original);
    definition!.unpatch!(exports);
    expect(Messages.prototype.create).toBe(original);
  });
});
