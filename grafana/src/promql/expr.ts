/**
 * PromQL expressions that may refer to recording rules. The Prometheus rule file refers to a
 * recorded series by name; the Grafana-managed copy of the same alert (which may run against a
 * Prometheus without our recording rules) gets the recorded expression inlined instead. One
 * definition, two renderings, no hand-kept duplicate.
 */

/** A recording rule: the series `name` (with fixed `labels`) stands for `expr`. */
export class Recorded {
  constructor(
    readonly name: string,
    readonly expr: Expr,
    /** Labels the rule adds to its output (e.g. `quantile`). */
    readonly labels: Readonly<Record<string, string>> = {},
  ) {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name) || !name.includes(':')) {
      throw new Error(`recording rule name ${name} must be a level:metric:operations name`);
    }
  }

  /** The recorded series as a selector, optionally with more matchers (dashboards only). */
  select(...matchers: string[]): string {
    const all = [...Object.entries(this.labels).map(([k, v]) => `${k}="${v}"`), ...matchers];
    return all.length === 0 ? this.name : `${this.name}{${all.join(', ')}}`;
  }
}

type Part = string | Recorded;

/** How to render references to recording rules. */
export type RenderMode = 'reference' | 'inline';

export class Expr {
  constructor(readonly parts: readonly Part[]) {}

  render(mode: RenderMode = 'reference'): string {
    return this.parts
      .map((part) => {
        if (typeof part === 'string') return part;
        if (mode === 'reference') return part.select();
        let inner = part.expr.render('inline');
        // Keep the labels a rule adds, so both renderings yield the same label sets.
        for (const [key, value] of Object.entries(part.labels)) inner = `label_replace(${inner}, "${key}", "${value}", "", "")`;
        return `(${inner})`;
      })
      .join('');
  }

  /** The recording rules this expression refers to, directly. */
  references(): Recorded[] {
    return this.parts.filter((p): p is Recorded => p instanceof Recorded);
  }

  toString(): string {
    return this.render('reference');
  }
}

/** Tagged template: `promql\`${errors} / ${calls} > 0.1\``; strings and numbers are pasted as text. */
export function promql(strings: TemplateStringsArray, ...values: Array<string | number | Recorded | Expr>): Expr {
  const parts: Part[] = [];
  const push = (part: Part): void => {
    const last = parts[parts.length - 1];
    if (typeof part === 'string' && typeof last === 'string') parts[parts.length - 1] = last + part;
    else parts.push(part);
  };
  strings.forEach((text, i) => {
    push(text);
    if (i >= values.length) return;
    const value = values[i]!;
    if (value instanceof Expr) value.parts.forEach(push);
    else if (value instanceof Recorded) push(value);
    else push(String(value));
  });
  return new Expr(parts.filter((p) => p !== ''));
}

/** `a="b"` style matchers. */
export const match = {
  eq: (label: string, value: string): string => `${label}="${value}"`,
  ne: (label: string, value: string): string => `${label}!="${value}"`,
  re: (label: string, value: string): string => `${label}=~"${value}"`,
  nre: (label: string, value: string): string => `${label}!~"${value}"`,
};

/** `name{m1, m2}`, or `name` alone. */
export function selector(name: string, ...matchers: string[]): string {
  return matchers.length === 0 ? name : `${name}{${matchers.join(', ')}}`;
}
