/** Self-metrics of agentmeter's exporters, recorded beside the application's own metrics. */
import type { EndpointName, EndpointRefusalReason, KafkaDropReason } from '../catalog-vocabulary';
import { instruments } from '../store/registry';
import { withKeys } from '../store/instrument';
import { ATTR_ENDPOINT, ATTR_ENDPOINT_REFUSAL_REASON, ATTR_ERROR_TYPE, ATTR_KAFKA_DROP_REASON } from '../catalog-vocabulary';

const kafkaDropped = withKeys(instruments.kafkaDropped, ATTR_KAFKA_DROP_REASON);
const kafkaFailures = withKeys(instruments.kafkaFailures, ATTR_ERROR_TYPE);
const endpointRefused = withKeys(instruments.endpointRefused, ATTR_ENDPOINT, ATTR_ENDPOINT_REFUSAL_REASON);

/** One message acknowledged by the broker. */
export function recordKafkaSent(bytes: number, seconds: number): void {
  instruments.kafkaSentMessages.get0().add(1);
  instruments.kafkaSentBytes.get0().add(bytes);
  instruments.kafkaSendDuration.get0().record(seconds);
}

/** A failed attempt; `type` is the Kafka error name (e.g. `MESSAGE_TOO_LARGE`) or the error class. */
export function recordKafkaFailure(type: string): void {
  kafkaFailures.get1(type).add(1);
}

export function recordKafkaDropped(reason: KafkaDropReason, messages: number): void {
  if (messages > 0) kafkaDropped.get1(reason).add(messages);
}

/** One collection of a cluster primary: `workers` asked, `missed` of them left out. */
export function recordClusterCollection(workers: number, missed: number): void {
  instruments.clusterWorkers.get0().set(workers);
  if (missed > 0) instruments.clusterMissedCollections.get0().add(missed);
}

/** A request one of agentmeter's endpoints refused (503, 401, 421) or a response it cut off (write timeout). */
export function recordEndpointRefused(endpoint: EndpointName, reason: EndpointRefusalReason): void {
  endpointRefused.get2(endpoint, reason).add(1);
}
