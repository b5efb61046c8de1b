/** Routing decisions: duration, candidates, confidence, decisions by strategy/agent/cache/outcome. */
import { guard, instruments, state } from '../store/registry';
import { recordingFailed } from './guarded';
import { withKeys } from '../store/instrument';
import { ATTR_AGENT_NAME, ATTR_ROUTING_CACHE_HIT, ATTR_ROUTING_OUTCOME, ATTR_ROUTING_STRATEGY } from '../catalog-vocabulary';

const routingCandidates = withKeys(instruments.routingCandidates, ATTR_ROUTING_STRATEGY);
const routingConfidence = withKeys(instruments.routingConfidence, ATTR_ROUTING_STRATEGY);
const routingDecisions = withKeys(instruments.routingDecisions, ATTR_ROUTING_STRATEGY, ATTR_AGENT_NAME, ATTR_ROUTING_CACHE_HIT, ATTR_ROUTING_OUTCOME);
const routingDuration = withKeys(instruments.routingDuration, ATTR_ROUTING_STRATEGY, ATTR_ROUTING_OUTCOME);

/** One routing decision. */
export interface RoutingDecision {
  /** Routing strategy, e.g. `semantic`, `round_robin`; bounded by the attribute cap. */
  strategy: string;
  /** The agent the request was routed to; bounded by the attribute cap. */
  agent: string;
  /** Time taken to decide, in seconds. */
  seconds: number;
  /** `success` (default), `fallback` (a default route was used) or `error`. */
  outcome?: 'success' | 'fallback' | 'error';
  /** Candidate agents evaluated, when known. */
  candidates?: number;
  /** Confidence of the chosen route, 0 to 1, when known. */
  confidence?: number;
  /** True when the decision came from a routing cache; default false. */
  cacheHit?: boolean;
  /** The routed query text: with routing events on, a decision that has one is also published as an event. Never a metric label. */
  query?: string;
  /** UUID of the request, for the routing event; generated when absent. Never a metric label. */
  correlationId?: string;
  /** Named confidence scores (each 0 to 1) for the routing event, e.g. `{ semantic: 0.91 }`. */
  confidenceComponents?: Record<string, number>;
}

// Set while routing events are on (src/events/); a domain never imports the event path itself.
let decisionListener: ((decision: RoutingDecision) => void) | undefined;

/** Installs (or with undefined removes) the one function that sees every recorded decision. */
export function setRoutingDecisionListener(listener: ((decision: RoutingDecision) => void) | undefined): void {
  decisionListener = listener;
}

/** Records one RoutingDecision; never throws (bad input is dropped and counted). */
export function recordRouting(decision: RoutingDecision): void {
  if (!state.enabled) return;
  // Its own function, not a guarded() closure: a closure shared by every helper makes one
  // megamorphic call site for all of them (bench/overhead: ten helpers per request).
  try {
    routing(decision);
  } catch (err) {
    recordingFailed('recordRouting', err);
  }
}

function routing(d: RoutingDecision): void {
  const seconds = guard.measurement(d.seconds, 'routing seconds');
  if (seconds < 0) return;
  const strategy = guard.name(d.strategy, 'strategy');
  const agent = guard.name(d.agent, 'agent');
  if (strategy === undefined || agent === undefined) return;
  const outcome = d.outcome ?? 'success';
  routingDuration.get2(strategy, outcome).record(seconds);
  routingDecisions.get4(strategy, agent, d.cacheHit === true ? 'true' : 'false', outcome).add(1);
  if (d.candidates !== undefined) {
    const candidates = guard.measurement(d.candidates, 'routing candidates');
    if (candidates >= 0) routingCandidates.get1(strategy).record(candidates);
  }
  if (d.confidence !== undefined) {
    const confidence = guard.measurement(d.confidence, 'routing confidence');
    if (confidence >= 0) routingConfidence.get1(strategy).record(confidence);
  }
  decisionListener?.(d);
}
