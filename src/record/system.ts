/** Service-level numbers: health, build info, sessions, requests. */
import { HEALTH_STATUSES, ATTR_AGENTMETER_VERSION, ATTR_HEALTH_STATUS, ATTR_SERVICE_VERSION } from '../catalog-vocabulary';
import { guard, instruments, state } from '../store/registry';
import { guarded } from './guarded';
import { PACKAGE_VERSION } from '../version';
import { withKeys } from '../store/instrument';

const buildInfo = withKeys(instruments.buildInfo, ATTR_SERVICE_VERSION, ATTR_AGENTMETER_VERSION);
const health = withKeys(instruments.health, ATTR_HEALTH_STATUS);

/** Ends what a tracker started; calling it again does nothing. */
export interface Tracker {
  end(): void;
}

const noop: Tracker = { end() {} };

function track(active: typeof instruments.activeSessions, onStart?: () => void): Tracker {
  if (!state.enabled) return noop;
  const point = active.get0();
  point.add(1);
  onStart?.();
  let open = true;
  return {
    end(): void {
      if (!open) return;
      open = false;
      point.add(-1);
    },
  };
}

/** Counts a session as active until `end()` is called. */
export function trackSession(): Tracker {
  return track(instruments.activeSessions);
}

/** Counts a request as in flight until `end()`, and in `agent.requests` at once. */
export function trackRequest(): Tracker {
  return track(instruments.activeRequests, () => instruments.requests.get0().add(1));
}

/** Sets `agent.health.status`: 1 for `status`, 0 for the other states. */
export const setHealth: (status: 'healthy' | 'degraded' | 'unhealthy') => void = guarded('setHealth', (status) => {
  if (!(HEALTH_STATUSES as readonly string[]).includes(status)) {
    guard.drop('invalid_enum', `health status ${JSON.stringify(String(status))}`);
    return;
  }
  for (const s of HEALTH_STATUSES) health.get1(s).set(s === status ? 1 : 0);
});

/** Sets `agent.build.info` for this process (done by `start()` from `service.version`). */
export function setBuildInfo(serviceVersion: string): void {
  instruments.buildInfo.clear();
  buildInfo.get2(serviceVersion || 'unknown', PACKAGE_VERSION).set(1);
}

/** Sets `agentmeter.shutdown`: 0 by `start()`, 1 when its `shutdown()` begins (before the final collection). */
export function setShuttingDown(stopping: boolean): void {
  instruments.shutdown.get0().set(stopping ? 1 : 0);
}
