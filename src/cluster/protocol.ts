/**
 * `node:cluster` as agentmeter sees it: whether this process is a cluster worker, and which.
 */
import type { Cluster } from 'node:cluster';

let loaded: Cluster | undefined;

/**
 * `node:cluster`, loaded on first use and not through `require`: Passenger hooks `require` to
 * hand out a non-functional shim with a stack trace on stderr (prom-client issue 293), while
 * `process.getBuiltinModule` (Node 22.3+) always returns the real module.
 */
export function nodeCluster(): Cluster {
  // It returns what `require` would (the Cluster object); the types describe the ESM namespace.
  loaded ??= process.getBuiltinModule('node:cluster') as unknown as Cluster;
  return loaded;
}

/** The cluster worker id of this process, or undefined when it is not a `node:cluster` worker. */
export function clusterWorkerId(): number | undefined {
  const cluster = nodeCluster();
  return cluster.isWorker ? cluster.worker?.id : undefined;
}
