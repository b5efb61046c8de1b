/** Number forms shared by the 0.0.4 and OpenMetrics pages. */

/**
 * A number as Go's strconv 'g' shortest form writes it (the Collector's exposition), so `le`
 * label values are byte-identical on both paths: 1048576 → "1.048576e+06", 1e-5 → "1e-05".
 */
export function formatNumber(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  const abs = Math.abs(value);
  if (abs >= 1e6 || (abs < 1e-4 && abs !== 0)) {
    const [mantissa, exponent = '0'] = value.toExponential().split('e');
    const sign = exponent.startsWith('-') ? '-' : '+';
    const digits = exponent.replace(/^[+-]/, '');
    return `${mantissa}e${sign}${digits.length < 2 ? `0${digits}` : digits}`;
  }
  return String(value);
}

/**
 * An `le` value on an OpenMetrics page: the 'g' form with ".0" added to whole numbers, as the
 * Collector's exporter (client_golang) writes it (`le="1.0"`). Prometheus 2.x stores `le` as
 * given, so the direct scrape and the Collector path must agree in each format; Prometheus 3.x
 * normalises both forms to this one.
 */
export function formatOpenMetricsBound(value: number): string {
  const text = formatNumber(value);
  return /^-?\d+$/.test(text) ? `${text}.0` : text;
}
