/**
 * The process-wide store: one instrument per catalog entry, the guard they share, and the
 * enabled flag. Helpers write here; the producer reads here.
 */
import { METRICS, type MetricDefinition } from '../catalog';
import { CardinalityGuard } from '../attributes';
import { histogramInstrument, valueInstrument, type AttributeKeys, type Instrument } from './instrument';
import { onSumOverflow, type HistogramPoint, type ValuePoint } from './points';

type Instruments = {
  [K in keyof typeof METRICS]: (typeof METRICS)[K]['kind'] extends 'histogram'
    ? Instrument<HistogramPoint, AttributeKeys<(typeof METRICS)[K]>>
    : Instrument<ValuePoint, AttributeKeys<(typeof METRICS)[K]>>;
};

function buildInstruments(guard: CardinalityGuard): Instruments {
  const entries = Object.entries(METRICS).map(([id, definition]: [string, MetricDefinition]) => [
    id,
    definition.kind === 'histogram' ? histogramInstrument(definition, guard) : valueInstrument(definition, guard),
  ]);
  return Object.fromEntries(entries) as Instruments;
}

export const guard = new CardinalityGuard();
onSumOverflow((detail) => guard.drop('sum_overflow', `${detail} would exceed the largest finite number`));
export const instruments: Instruments = buildInstruments(guard);
/** Every instrument, in catalog order. */
export const instrumentList: readonly Instrument<HistogramPoint | ValuePoint>[] = Object.values(instruments);

/** Recording on or off (AGENTMETER_ENABLED); helpers return at once when off. */
export const state = { enabled: true };
