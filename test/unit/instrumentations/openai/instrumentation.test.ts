// The module definition the openai 7 instrumentation hands to InstrumentationBase.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OpenAIV7Instrumentation } from '../../../../src/instrumentations/openai/instrumentation';

function client() {
  class Completions {
    create(): string {
      return 'chat';
    }
  }
  class Responses {
    create(): string {
      return 'responses';
    }
  }
  class Embeddings {
    create(): string {
      return 'embeddings';
    }
  }
  class OpenAI {
    static Chat = { Completions };
    static Responses = Responses;
    static Embeddings = Embeddings;
  }
  const originals = [Completions.prototype.create, Responses.prototype.create, Embeddings.prototype.create];
  const current = () => [Completions.prototype.create, Responses.prototype.create, Embeddings.prototype.create];
  return { OpenAI, originals, current };
}

const definition = () => new OpenAIV7Instrumentation({ enabled: false }).getModuleDefinitions()[0]!;

afterEach(() => vi.restoreAllMocks());

describe('OpenAIV7Instrumentation', () => {
  it.each([
    ['CommonJS exports (OpenAI)', (OpenAI: object) => ({ OpenAI })],
    ['an ESM namespace (default)', (OpenAI: object) => ({ default: OpenAI })],
  ])('patches and unpatches chat.completions, responses and embeddings create found through %s', (_shape, exportsOf) => {
    const { OpenAI, originals, current } = client();
    const def = definition();
    expect([def.name, def.supportedVersions]).toEqual(['openai', ['*']]);
    const exports = exportsOf(OpenAI);
    expect(def.patch!(exports, '7.59.0')).toBe(exports);
    expect(current().every((fn, i) => fn !== originals[i])).toBe(true);
    def.unpatch!(exports);
    expect(current()).toEqual(originals);
  });

  it.each([['4.19.0'], ['5.23.2'], ['6.49.0']])('leaves openai %s to the official instrumentation, silently', (version) => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { OpenAI, originals, current } = client();
    definition().patch!({ OpenAI }, version);
    expect(current()).toEqual(originals);
    expect(write).not.toHaveBeenCalled();
  });

  it.each([['8.0.0'], ['4.18.1'], ['3.3.0']])('names openai %s on stderr, once, and patches nothing', (version) => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { OpenAI, originals, current } = client();
    definition().patch!({ OpenAI }, version);
    definition().patch!({ OpenAI }, version);
    expect(current()).toEqual(originals);
    expect(write.mock.calls).toEqual([
      [`agentmeter: openai ${version} is not supported by the OpenAI instrumentation (supported: >=4.19.0 <7 >=7.0.0 <8); its calls are not measured\n`],
    ]);
  });

  it('names a 7.x without the known resources on stderr', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    definition().patch!({ OpenAI: {} }, '7.999.0');
    expect(write.mock.calls).toEqual([['agentmeter: openai 7.999.0 has no Chat.Completions, Responses or Embeddings create of the known shape; its calls are not measured\n']]);
  });
});
