// The 0.0.4 page stays byte-identical to what the serializer wrote before OpenMetrics was added
// (fixtures/page-0.0.4.txt was written by that serializer from fixturePage()).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PrometheusSerializer } from '../../../../src/exporters/prometheus/serializer';
import { fixturePage } from './fixture-page';

const expected = readFileSync(join(__dirname, 'fixtures', 'page-0.0.4.txt'), 'utf8');

describe('the 0.0.4 text of a fixed collection', () => {
  it.each([1, 3, 250])('is byte-identical to the committed page (chunks of %i data points)', (chunkDataPoints) => {
    expect(new PrometheusSerializer({ chunkDataPoints }).serialize(fixturePage())).toBe(expected);
  });
});
