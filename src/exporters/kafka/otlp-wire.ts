/**
 * Protobuf wire primitives for the OTLP encoder: a growable byte buffer, and the pre-encoded
 * pieces that stay the same from one export to the next (attribute KeyValues, times).
 * Field numbers are those of opentelemetry-proto v1 (common.proto, metrics.proto).
 */
import type { Attributes, AttributeValue, HrTime } from '@opentelemetry/api';

const TWO_32 = 4294967296;
const utf8 = new TextEncoder();

/** Bytes a varint of `n` (0 <= n < 2^53) takes. */
export function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  let size = 4;
  for (n = Math.floor(n / 0x10000000); n >= 1; n = Math.floor(n / 128)) size++;
  return size;
}

/** A byte buffer written front to back; grows by doubling, kept and reused between exports. */
export class WireBuffer {
  bytes: Uint8Array;
  view: DataView;
  pos = 0;

  /** A new buffer of `initial` bytes, or writes into the given one. */
  constructor(initial: number | Uint8Array = 1024) {
    this.bytes = typeof initial === 'number' ? new Uint8Array(initial) : initial;
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.pos + n <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.pos + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.byteLength);
  }

  /** Unchecked writes below: the caller reserved the room. */
  byte(b: number): void {
    this.bytes[this.pos++] = b;
  }

  varint(n: number): void {
    while (n >= 128) {
      this.bytes[this.pos++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.bytes[this.pos++] = n;
  }

  fixed64(lo: number, hi: number): void {
    this.view.setUint32(this.pos, lo, true);
    this.view.setUint32(this.pos + 4, hi, true);
    this.pos += 8;
  }

  /** A non-negative integer count as fixed64 (exact below 2^53). */
  uint64(n: number): void {
    this.fixed64(n >>> 0, (n / TWO_32) >>> 0);
  }

  /** An integer as sfixed64, two's complement; a fraction is cut toward zero, as otlp-transformer does. */
  sfixed64(n: number): void {
    if (n >= 0) {
      this.fixed64(n >>> 0, (n / TWO_32) >>> 0);
      return;
    }
    const abs = -n;
    let lo = ~(abs >>> 0) >>> 0;
    let hi = ~((abs / TWO_32) >>> 0) >>> 0;
    lo = (lo + 1) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
    this.fixed64(lo, hi);
  }

  double(v: number): void {
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  raw(b: Uint8Array): void {
    this.bytes.set(b, this.pos);
    this.pos += b.length;
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.pos);
  }
}

/** A length-delimited field: tag, length, bytes (cold path: builds a new array). */
export function field(fieldNumber: number, body: Uint8Array): Uint8Array {
  const w = new WireBuffer(body.length + 11);
  w.varint((fieldNumber << 3) | 2);
  w.varint(body.length);
  w.raw(body);
  return w.finish();
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const stringField = (fieldNumber: number, s: string): Uint8Array => field(fieldNumber, utf8.encode(s));

function tagged(tag: number, write: (w: WireBuffer) => void): Uint8Array {
  const w = new WireBuffer(16);
  w.varint(tag);
  write(w);
  return w.finish();
}

/** AnyValue (common.proto) from an attribute value, mapped as otlp-transformer maps it. */
function anyValue(value: unknown): Uint8Array {
  if (typeof value === 'string') return stringField(1, value);
  if (typeof value === 'boolean') return tagged(2 << 3, (w) => w.varint(value ? 1 : 0));
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) {
      // int64 varint: negatives as their 64-bit two's complement (ten bytes).
      const n = BigInt.asUintN(64, BigInt(value));
      return tagged(3 << 3, (w) => {
        w.reserve(10);
        let v = n;
        while (v >= 128n) {
          w.byte(Number(v & 127n) | 128);
          v >>= 7n;
        }
        w.byte(Number(v));
      });
    }
    return tagged((4 << 3) | 1, (w) => {
      w.reserve(8);
      w.double(value);
    });
  }
  if (value instanceof Uint8Array) return field(7, value);
  if (Array.isArray(value)) return field(5, concat(value.map((item: unknown) => field(1, anyValue(item)))));
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value).map((k) => field(1, keyValue(k, (value as Record<string, unknown>)[k])));
    return field(6, concat(entries));
  }
  return new Uint8Array(0);
}

function keyValue(key: string, value: unknown): Uint8Array {
  return concat([stringField(1, key), field(2, anyValue(value))]);
}

/** Repeated KeyValue under `fieldNumber`, in the object's key order (as otlp-transformer writes them). */
export function encodeAttributes(attributes: Attributes, fieldNumber: number): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const key of Object.keys(attributes)) {
    parts.push(field(fieldNumber, keyValue(key, attributes[key] as AttributeValue | undefined)));
  }
  return concat(parts);
}

/** An HrTime as unsigned nanoseconds since the epoch, split into the two 32-bit halves of a fixed64. */
export interface Nanos {
  lo: number;
  hi: number;
}

export function hrTimeNanos(time: HrTime): Nanos {
  return bigNanos(BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]));
}

/** Milliseconds since the epoch with a fraction (an exemplar's time) as nanoseconds. */
export function msNanos(ms: number): Nanos {
  const whole = Math.floor(ms);
  return bigNanos(BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6)));
}

function bigNanos(n: bigint): Nanos {
  return { lo: Number(n & 0xffffffffn), hi: Number((n >> 32n) & 0xffffffffn) };
}
