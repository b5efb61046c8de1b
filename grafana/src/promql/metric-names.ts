/**
 * The metric names a PromQL expression selects, found by a small lexer: it skips strings, label
 * matchers (`{...}`), ranges (`[...]`), functions and aggregations (an identifier followed by
 * `(`), label lists after by/without/on/ignoring/group_left/group_right, and keywords. Good
 * enough for the expressions generated here; the name checks run it over the committed files.
 */

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'atan2']);
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile']);

function skipString(expr: string, i: number): number {
  const quote = expr[i]!;
  for (let j = i + 1; j < expr.length; j++) {
    if (expr[j] === '\\' && quote !== '`') j++;
    else if (expr[j] === quote) return j + 1;
  }
  throw new Error(`unterminated string in ${expr}`);
}

/** Index after the bracket that closes the one at `i`, skipping strings inside. */
function skipBracket(expr: string, i: number, open: string, close: string): number {
  let depth = 0;
  for (let j = i; j < expr.length; ) {
    const c = expr[j]!;
    if (c === '"' || c === "'" || c === '`') {
      j = skipString(expr, j);
      continue;
    }
    if (c === open) depth++;
    else if (c === close && --depth === 0) return j + 1;
    j++;
  }
  throw new Error(`unbalanced ${open}${close} in ${expr}`);
}

export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '"' || c === "'" || c === '`') i = skipString(expr, i);
    else if (c === '{') i = skipBracket(expr, i, '{', '}');
    else if (c === '[') i = skipBracket(expr, i, '[', ']');
    else if (/[0-9.]/.test(c)) {
      i++;
      while (i < expr.length && /[0-9.eE]/.test(expr[i]!)) i++;
    } else if (/[a-zA-Z_:$]/.test(c)) {
      let j = i + 1;
      while (j < expr.length && /[a-zA-Z0-9_:]/.test(expr[j]!)) j++;
      const word = expr.slice(i, j);
      let k = j;
      while (k < expr.length && /\s/.test(expr[k]!)) k++;
      if (LABEL_LIST_KEYWORDS.has(word)) {
        i = expr[k] === '(' ? skipBracket(expr, k, '(', ')') : k;
        continue;
      }
      const isCall = expr[k] === '(' || AGGREGATIONS.has(word);
      if (!isCall && !KEYWORDS.has(word) && !word.startsWith('$')) names.add(word);
      i = j;
    } else i++;
  }
  return [...names];
}

/** The selector of a Grafana `label_values(selector, label)` variable query. */
export function labelValuesSelector(query: string): string {
  const match = /^label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\)$/.exec(query.trim());
  if (!match) throw new Error(`not a label_values(selector, label) query: ${query}`);
  return match[1]!;
}
