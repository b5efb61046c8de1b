/** Caches: lookups by result, evictions, size rejections, operation duration, entries and bytes. */
import { guard, instruments, state } from '../store/registry';
import { guarded, recordingFailed } from './guarded';
import { withKeys } from '../store/instrument';
import { ATTR_CACHE_EVICTION_REASON, ATTR_CACHE_NAME, ATTR_CACHE_OPERATION, ATTR_CACHE_RESULT } from '../catalog-vocabulary';

const cacheEntries = withKeys(instruments.cacheEntries, ATTR_CACHE_NAME);
const cacheEvictions = withKeys(instruments.cacheEvictions, ATTR_CACHE_NAME, ATTR_CACHE_EVICTION_REASON);
const cacheOperationDuration = withKeys(instruments.cacheOperationDuration, ATTR_CACHE_NAME, ATTR_CACHE_OPERATION);
const cacheRequests = withKeys(instruments.cacheRequests, ATTR_CACHE_NAME, ATTR_CACHE_RESULT);
const cacheSize = withKeys(instruments.cacheSize, ATTR_CACHE_NAME);
const cacheSizeRejections = withKeys(instruments.cacheSizeRejections, ATTR_CACHE_NAME);

/** One cache lookup. */
export interface CacheLookup {
  /** Cache name, e.g. `embeddings`; bounded by the attribute cap. */
  cache: string;
  /** True for a hit, false for a miss. */
  hit: boolean;
  /** Lookup duration in seconds; when given, also recorded as a `get` operation. */
  seconds?: number;
}

/** Records one lookup in `agent.cache.requests` (and its duration, when given). */
export function recordCacheLookup(lookup: CacheLookup): void {
  if (!state.enabled) return;
  // Its own function, not a guarded() closure, like recordToolCall: it is on the hot path.
  try {
    recordLookup(lookup);
  } catch (err) {
    recordingFailed('recordCacheLookup', err);
  }
}

function recordLookup(lookup: CacheLookup): void {
  const cache = guard.name(lookup.cache, 'cache');
  if (cache === undefined) return;
  cacheRequests.get2(cache, lookup.hit === true ? 'hit' : 'miss').add(1);
  if (lookup.seconds !== undefined) {
    const seconds = guard.measurement(lookup.seconds, 'cache lookup seconds');
    if (seconds >= 0) cacheOperationDuration.get2(cache, 'get').record(seconds);
  }
}

/** One or more evictions. */
export interface CacheEviction {
  /** Cache name. */
  cache: string;
  /** Why: `size` (default), `ttl`, `manual` or `other`. */
  reason?: 'size' | 'ttl' | 'manual' | 'other';
  /** Entries evicted; default 1. */
  count?: number;
}

export const recordCacheEviction: (eviction: CacheEviction) => void = guarded('recordCacheEviction', (eviction) => {
  const cache = guard.name(eviction.cache, 'cache');
  if (cache === undefined) return;
  const count = guard.measurement(eviction.count ?? 1, 'eviction count');
  if (count < 0) return;
  cacheEvictions.get2(cache, eviction.reason ?? 'size').add(count);
});

/** An entry the cache refused because it exceeded the size limit. */
export const recordCacheSizeRejection: (rejection: { cache: string }) => void = guarded(
  'recordCacheSizeRejection',
  (rejection) => {
    const cache = guard.name(rejection.cache, 'cache');
    if (cache !== undefined) cacheSizeRejections.get1(cache).add(1);
  },
);

/** One cache operation other than a lookup (or a lookup timed separately). */
export interface CacheOperation {
  /** Cache name. */
  cache: string;
  /** `get`, `set` or `delete`. */
  operation: 'get' | 'set' | 'delete';
  /** Duration in seconds. */
  seconds: number;
}

/** Records one cache operation; never throws (bad input is dropped and counted). */
export function recordCacheOperation(op: CacheOperation): void {
  if (!state.enabled) return;
  // Its own function, like recordCacheLookup: a guarded() closure is a call site shared by every helper.
  try {
    cacheOperation(op);
  } catch (err) {
    recordingFailed('recordCacheOperation', err);
  }
}

function cacheOperation(op: CacheOperation): void {
  const cache = guard.name(op.cache, 'cache');
  if (cache === undefined) return;
  const seconds = guard.measurement(op.seconds, 'cache operation seconds');
  if (seconds >= 0) cacheOperationDuration.get2(cache, op.operation).record(seconds);
}

/** The current size of a cache; either field may be omitted, not both (that call is counted as dropped, not_a_number). */
export interface CacheSize {
  /** Cache name. */
  cache: string;
  /** Entries held now. */
  entries?: number;
  /** Bytes held now. */
  bytes?: number;
}

export const setCacheSize: (size: CacheSize) => void = guarded('setCacheSize', (size) => {
  const cache = guard.name(size.cache, 'cache');
  if (cache === undefined) return;
  if (size.entries === undefined && size.bytes === undefined) {
    guard.drop('not_a_number', 'setCacheSize got neither entries nor bytes');
    return;
  }
  if (size.entries !== undefined) {
    const entries = guard.measurement(size.entries, 'cache entries');
    if (entries >= 0) cacheEntries.get1(cache).set(entries);
  }
  if (size.bytes !== undefined) {
    const bytes = guard.measurement(size.bytes, 'cache bytes');
    if (bytes >= 0) cacheSize.get1(cache).set(bytes);
  }
});
