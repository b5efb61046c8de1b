/**
 * HTTP basic auth against bcrypt hashes (the web config's `basic_auth_users`), verified with
 * bcryptjs. bcrypt costs tens of milliseconds by design, so each distinct credential is
 * verified once: a success is remembered per user as a keyed digest of the password (compared
 * in constant time), a failure as a keyed digest of user and password, in a bounded map. No
 * plain password is kept, and nothing supplied by the client is ever logged.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { compare } from 'bcryptjs';

/** Distinct failed credentials remembered (oldest forgotten first). */
const MAX_REMEMBERED_FAILURES = 256;
/** Longer Authorization headers are refused without running bcrypt (bcrypt reads 72 bytes at most). */
const MAX_HEADER_LENGTH = 1024;
/**
 * bcrypt verifications waiting or running at once, and started per second. Past either, an
 * unknown credential is refused at once without bcrypt: a flood of made-up passwords costs the
 * host's event loop a few verifications a second, not one per request. A credential verified
 * once takes the remembered path and is never refused this way.
 */
const MAX_PENDING_VERIFICATIONS = 2;
const MAX_VERIFICATIONS_PER_SECOND = 4;

export class BasicAuth {
  private readonly users: ReadonlyMap<string, string>;
  /** A per-process key: the digests in memory say nothing about the passwords outside this process. */
  private readonly key = randomBytes(32);
  private readonly verified = new Map<string, Buffer>();
  private readonly failures = new Set<string>();
  /** bcrypt runs one verification at a time, as the exporter-toolkit does: it is CPU-bound. */
  private queue: Promise<unknown> = Promise.resolve();
  /** A hash to verify unknown users against, so their answer takes as long as a known user's. */
  private readonly decoy: string;
  private pending = 0;
  private windowStart = 0;
  private startedInWindow = 0;

  constructor(users: ReadonlyMap<string, string>) {
    this.users = users;
    this.decoy = users.values().next().value ?? '';
  }

  get enabled(): boolean {
    return this.users.size > 0;
  }

  /**
   * The answer without bcrypt when there is one: true for a credential verified before, false
   * for no credential, a remembered failure, or when verifications are saturated; undefined when
   * only bcrypt can tell (then call `check`).
   */
  remembered(header: string | undefined): boolean | undefined {
    if (!this.enabled) return true;
    const credentials = parseBasic(header);
    if (credentials === undefined) return false;
    const { user, password } = credentials;
    const known = this.users.has(user) ? this.verified.get(user) : undefined;
    if (known !== undefined && timingSafeEqual(known, this.digest(password))) return true;
    if (this.failures.has(this.digest(`${user}\u0000${password}`).toString('base64'))) return false;
    return this.saturated() ? false : undefined;
  }

  /** True when the Authorization header carries a configured user and the password its hash accepts. */
  async check(header: string | undefined): Promise<boolean> {
    const quick = this.remembered(header);
    if (quick !== undefined) return quick;
    const { user, password } = parseBasic(header)!;
    const hash = this.users.get(user);
    const passwordDigest = this.digest(password);
    const failureKey = this.digest(`${user}\u0000${password}`).toString('base64');
    this.pending += 1;
    this.startedInWindow += 1;
    const ok = await this.verify(password, hash ?? this.decoy).finally(() => (this.pending -= 1));
    if (ok && hash !== undefined) {
      this.verified.set(user, passwordDigest);
      return true;
    }
    this.failures.add(failureKey);
    if (this.failures.size > MAX_REMEMBERED_FAILURES) this.failures.delete(this.failures.values().next().value as string);
    return false;
  }

  /** Whether another bcrypt verification would pass the bounds (pending, or started this second). */
  private saturated(): boolean {
    const now = performance.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.startedInWindow = 0;
    }
    return this.pending >= MAX_PENDING_VERIFICATIONS || this.startedInWindow >= MAX_VERIFICATIONS_PER_SECOND;
  }

  private digest(text: string): Buffer {
    return createHmac('sha256', this.key).update(text).digest();
  }

  private verify(password: string, hash: string): Promise<boolean> {
    const run = this.queue.then(() => compare(password, hash)).catch(() => false);
    this.queue = run;
    return run;
  }
}

/** User and password of a `Basic` Authorization header (scheme case-insensitive, RFC 7617), or undefined. */
export function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  if (header === undefined || header.length > MAX_HEADER_LENGTH) return undefined;
  const match = /^basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
