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
