/**
 * The summary server's Host check against DNS rebinding: a web page on an attacker's domain
 * that re-resolves to 127.0.0.1 reaches the server with that domain in its Host header, so a
 * request is served only when its Host names the server itself: the loopback names
 * (`127.0.0.1`, `localhost`, `[::1]`) or the bound host, with the server's port; when bound
 * beyond loopback, also any IP literal (a rebinding needs a name) and the allowed hosts configured.
 */
import { isIP } from 'node:net';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** `host` as it appears in a Host header: IPv6 in brackets, lower case. */
function hostForm(host: string): string {
  const lower = host.trim().toLowerCase();
  return isIP(lower) === 6 ? `[${lower}]` : lower;
}

/** Splits `name:port` / `[v6]:port` / `name`; undefined port when there is none. */
function splitHost(value: string): { name: string; port: string | undefined } {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(value);
  if (match === null) return { name: value, port: undefined };
  return { name: match[1]!, port: match[2] };
}

/**
 * A predicate over a request's Host header. `allowedHosts` entries are names (any case, trimmed)
 * with or without a port; without one, the name is allowed with the server's port or none.
 */
export function hostChecker(bindHost: string, port: number, allowedHosts: readonly string[]): (host: string | undefined) => boolean {
  const self = String(port);
  const exact = new Set<string>([...LOOPBACK_NAMES, hostForm(bindHost)].map((name) => `${name}:${self}`));
  const anyPort = new Set<string>();
  for (const entry of allowedHosts) {
    const form = hostForm(entry);
    if (form === '') continue;
    const { name, port: given } = splitHost(form);
    if (given === undefined || given === '') {
      anyPort.add(name);
      exact.add(`${name}:${self}`);
    } else {
      exact.add(`${name}:${given}`);
    }
  }
  const beyondLoopback = !isLoopback(bindHost.trim().toLowerCase());
  return (host) => {
    if (host === undefined) return false;
    const value = host.trim().toLowerCase();
    if (exact.has(value)) return true;
    const { name, port: given } = splitHost(value);
    if (given === undefined && anyPort.has(name)) return true;
    // An IP literal cannot be a rebinding (the attack needs the attacker's domain name).
    if (beyondLoopback && given === self && isIP(name.replace(/^\[|\]$/g, '')) !== 0) return true;
    return false;
  };
}
