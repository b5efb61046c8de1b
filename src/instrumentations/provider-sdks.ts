/**
 * Which provider SDKs an enabled agentmeter instrumentation measures, for the hooks that see a
 * model call only from the outside (callbacks, trace processors) and cannot wrap it in an LLM
 * frame: they leave a call to the SDK's hook when that hook patches the SDK version the process
 * has loaded, and record it themselves otherwise. The answer comes from the instrumentations
 * themselves (their module definitions), so a hook that learns a new SDK major is followed
 * without a table here.
 */
import type { Instrumentation, InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import { satisfiesRange } from './version-range';

/** The provider SDKs an agentmeter instrumentation can measure. */
export const PROVIDER_SDK_PACKAGES = ['openai', '@anthropic-ai/sdk'] as const;
export type ProviderSdk = (typeof PROVIDER_SDK_PACKAGES)[number];

interface WithDefinitions {
  isEnabled?(): boolean;
  getModuleDefinitions?(): InstrumentationModuleDefinition[];
}

export class ProviderSdks {
  /** Versions of each SDK loaded in this process (both builds of one version count once). */
  private readonly loaded = new Map<ProviderSdk, Set<string>>();
  private peers: readonly Instrumentation[] = [];

  /** The instrumentations `start()` created, this one's peers. */
  setPeers(peers: readonly Instrumentation[]): void {
    this.peers = peers;
  }

  /** `sdk` was loaded in `version` (from the hook on its module). */
  sawLoad(sdk: ProviderSdk, version: string | undefined): void {
    if (version === undefined) return;
    let versions = this.loaded.get(sdk);
    if (versions === undefined) this.loaded.set(sdk, (versions = new Set()));
    versions.add(version);
  }

  /** True when every loaded version of `sdk` is patched by an enabled peer. */
  measured(sdk: ProviderSdk): boolean {
    const versions = this.loaded.get(sdk);
    if (versions === undefined || versions.size === 0) return false;
    for (const version of versions) {
      if (!this.peers.some((peer) => patches(peer as WithDefinitions, sdk, version))) return false;
    }
    return true;
  }
}

function patches(peer: WithDefinitions, sdk: ProviderSdk, version: string): boolean {
  if (peer.isEnabled?.() !== true || typeof peer.getModuleDefinitions !== 'function') return false;
  return peer
    .getModuleDefinitions()
    .some((definition) => definition.name === sdk && typeof definition.patch === 'function' && definition.supportedVersions.some((range) => satisfiesRange(version, range)));
}
