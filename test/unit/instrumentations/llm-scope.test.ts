import { describe, expect, it } from 'vitest';
import { markLlmMeasured, newLlmFrame, runInLlmFrame } from '../../../src/instrumentations/llm-scope';
import { coverSpanScope, insideMeasuredOperation, isCoveredScope, runMeasured, uncoverSpanScope } from '../../../src/instrumentations/coverage';

describe('innermost wins', () => {
  it('marks the frame the provider-SDK call runs in, across awaits, and no other', async () => {
    const outer = newLlmFrame();
    const other = newLlmFrame();
    await runInLlmFrame(outer, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      markLlmMeasured();
    });
    runInLlmFrame(other, () => undefined);
    markLlmMeasured(); // outside any frame: nothing to mark, no error
    expect([outer.measured, other.measured]).toEqual([true, false]);
  });
});

describe('span coverage', () => {
  it('remembers covered scopes until uncovered, and flags spans started inside a measured operation', async () => {
    coverSpanScope('@ai-sdk/otel');
    expect([isCoveredScope('@ai-sdk/otel'), isCoveredScope('other')]).toEqual([true, false]);
    uncoverSpanScope('@ai-sdk/otel');
    expect(isCoveredScope('@ai-sdk/otel')).toBe(false);
    expect(insideMeasuredOperation()).toBe(false);
    expect(await runMeasured(async () => {
      await Promise.resolve();
      return insideMeasuredOperation();
    })).toBe(true);
  });
});
