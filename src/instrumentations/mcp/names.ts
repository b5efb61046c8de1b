/**
 * Which tool and prompt names may become label values. The name in a `tools/call` is the peer's
 * choice: a client calling 100 names a server does not have would fill the attribute cap and push
 * the server's real tools into `_other`. So a name is a label only when this side knows it from
 * its own peer's word: a server, the tools and prompts it registered (McpServer) or listed in a
 * tools/list or prompts/list answer (a low-level Server; before its first list answer, a call
 * that succeeded); a client, the names the server listed to it. Every other name is `_unknown`.
 */
export const UNKNOWN_NAME = '_unknown';

/** Names kept per peer and kind; a server listing more is not one the cap could keep anyway. */
const MAX_NAMES = 1000;

export type NameKind = 'tool' | 'prompt';

interface Known {
  /** From McpServer registrations, or read from its registry. */
  registry: { tool: Set<string>; prompt: Set<string> } | undefined;
  /** The McpServer that owns this Server, whose registries are read at call time. */
  owner: object | undefined;
  listed: { tool: Set<string>; prompt: Set<string> };
}

const known = new WeakMap<object, Known>();

function entry(protocol: object): Known {
  let k = known.get(protocol);
  if (k === undefined) {
    k = { registry: undefined, owner: undefined, listed: { tool: new Set(), prompt: new Set() } };
    known.set(protocol, k);
  }
  return k;
}

/** An McpServer registered a tool or prompt on its `server` (a Protocol). */
export function noteRegistered(protocol: object, owner: object, kind: NameKind, name: unknown): void {
  const k = entry(protocol);
  k.owner = owner;
  k.registry ??= { tool: new Set(), prompt: new Set() };
  if (typeof name === 'string' && k.registry[kind].size < MAX_NAMES) k.registry[kind].add(name);
}

const LISTS: Readonly<Record<string, { kind: NameKind; field: 'tools' | 'prompts' }>> = {
  'tools/list': { kind: 'tool', field: 'tools' },
  'prompts/list': { kind: 'prompt', field: 'prompts' },
};

/** A tools/list or prompts/list result this side sent (server) or received (client). */
export function noteListed(protocol: object, method: string, result: unknown): void {
  const list = Object.hasOwn(LISTS, method) ? LISTS[method]! : undefined;
  if (list === undefined || typeof result !== 'object' || result === null) return;
  const items = (result as Record<string, unknown>)[list.field];
  if (!Array.isArray(items)) return;
  const names = entry(protocol).listed[list.kind];
  for (const item of items) {
    const name = typeof item === 'object' && item !== null ? (item as { name?: unknown }).name : undefined;
    if (typeof name === 'string' && names.size < MAX_NAMES) names.add(name);
  }
}

/** McpServer (v1 and v2) keeps its tools and prompts in plain objects keyed by name. */
const REGISTRY_FIELDS: Readonly<Record<NameKind, string>> = { tool: '_registeredTools', prompt: '_registeredPrompts' };

function registeredBy(owner: object, kind: NameKind, name: string): boolean {
  const registry = (owner as Record<string, unknown>)[REGISTRY_FIELDS[kind]];
  return typeof registry === 'object' && registry !== null && Object.hasOwn(registry, name);
}

/**
 * The label value for `name`. `succeeded` (the call returned a result that is not an error) lets
 * a low-level Server, which registers nothing agentmeter can see, count calls before listing.
 */
export function labelName(protocol: object, kind: NameKind, name: string, side: 'server' | 'client', succeeded: boolean): string {
  const k = known.get(protocol);
  if (k?.listed[kind].has(name)) return name;
  if (side === 'client') return UNKNOWN_NAME;
  if (k?.registry !== undefined) {
    return k.registry[kind].has(name) || (k.owner !== undefined && registeredBy(k.owner, kind, name)) ? name : UNKNOWN_NAME;
  }
  return succeeded ? name : UNKNOWN_NAME;
}
