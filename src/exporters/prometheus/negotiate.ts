/**
 * Content negotiation for the metrics page (RFC 9110 §12.5.1 Accept, §12.5.3 Accept-Encoding):
 * OpenMetrics 1.0 only when the scraper prefers it over the 0.0.4 text, gzip only when it is
 * acceptable. Anything unknown or malformed gets the 0.0.4 text, uncompressed — what the page
 * served before either existed, and what every Prometheus version can read.
 */

/** The two page formats the endpoint writes. */
export type ExpositionFormat = 'text' | 'openmetrics';

interface MediaRange {
  type: string;
  subtype: string;
  params: Map<string, string>;
  q: number;
}

interface Offer {
  type: string;
  subtype: string;
  version: string;
}

const TEXT: Offer = { type: 'text', subtype: 'plain', version: '0.0.4' };
const OPENMETRICS: Offer = { type: 'application', subtype: 'openmetrics-text', version: '1.0.0' };

/** A q parameter's value; malformed weights count as 0 (not acceptable) rather than 1. */
function weight(value: string | undefined): number {
  if (value === undefined) return 1;
  if (!/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value)) return 0;
  return Number(value);
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const element of header.split(',')) {
    const [mediaType = '', ...rawParams] = element.split(';').map((part) => part.trim());
    const [type, subtype] = mediaType.toLowerCase().split('/');
    if (!type || !subtype) continue;
    const params = new Map<string, string>();
    let q: string | undefined;
    for (const raw of rawParams) {
      const eq = raw.indexOf('=');
      if (eq <= 0) continue;
      const name = raw.slice(0, eq).trim().toLowerCase();
      const value = unquote(raw.slice(eq + 1).trim());
      // Parameters after q are accept-ext (RFC 9110): not part of the media range.
      if (name === 'q') q = value;
      else if (q === undefined) params.set(name, value);
    }
    ranges.push({ type, subtype, params, q: weight(q) });
  }
  return ranges;
}

/** How specifically `range` names `offer` (3 = type, subtype and version), or -1 if it does not. */
function specificity(range: MediaRange, offer: Offer): number {
  if (range.type === '*') return range.subtype === '*' ? 0 : -1;
  if (range.type !== offer.type) return -1;
  if (range.subtype === '*') return 1;
  if (range.subtype !== offer.subtype) return -1;
  for (const [name, value] of range.params) {
    if (name === 'version' && value !== offer.version) return -1;
    if (name === 'charset' && value.toLowerCase() !== 'utf-8') return -1;
  }
  return range.params.has('version') ? 3 : 2;
}

/** The q of the most specific range that names `offer` (RFC 9110: it takes precedence); 0 if none. */
function quality(ranges: readonly MediaRange[], offer: Offer): number {
  let best = -1;
  let q = 0;
  for (const range of ranges) {
    const s = specificity(range, offer);
    if (s > best || (s === best && range.q > q)) {
      best = s;
      q = range.q;
    }
  }
  return best < 0 ? 0 : q;
}

/** OpenMetrics when the Accept header weighs it above the 0.0.4 text; the text otherwise. */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (accept === undefined || accept.trim() === '') return 'text';
  const ranges = parseAccept(accept);
  const openMetrics = quality(ranges, OPENMETRICS);
  return openMetrics > 0 && openMetrics > quality(ranges, TEXT) ? 'openmetrics' : 'text';
}

/** Whether to gzip: gzip (or x-gzip, or `*`) acceptable, and identity not explicitly preferred. */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (acceptEncoding === undefined) return false;
  const codings = new Map<string, number>();
  for (const element of acceptEncoding.split(',')) {
    const [coding = '', ...params] = element.split(';').map((part) => part.trim());
    if (coding === '') continue;
    const q = params.find((p) => /^q\s*=/i.test(p))?.replace(/^q\s*=\s*/i, '');
    codings.set(coding.toLowerCase(), weight(q));
  }
  const gzip = codings.get('gzip') ?? codings.get('x-gzip') ?? codings.get('*') ?? 0;
  const identity = codings.get('identity') ?? 0;
  return gzip > 0 && gzip >= identity;
}
