/**
 * Whether a package version is in an instrumentation's `supportedVersions` range, for the
 * comparator sets those ranges use (`>=4.19.0 <7`, `*`, `a || b`). The OpenTelemetry base class
 * checks with its own copy of semver, which it does not export; a set with a comparator outside
 * this subset is read as "not in range".
 */

type Triple = [number, number, number];

function parseVersion(version: string): Triple | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  return match === null ? undefined : [Number(match[1]), Number(match[2]), Number(match[3])];
}

function compare(a: Triple, b: Triple): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

/** One comparator (`>=4.19.0`, `<7`, `1.2.3`) against `version`; undefined when it cannot be read. */
function comparator(text: string, version: Triple): boolean | undefined {
  if (text === '*' || text === 'x' || text === '') return true;
  const match = /^(>=|<=|>|<|=)?v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(text);
  if (match === null) return undefined;
  const op = match[1] ?? '=';
  const bound: Triple = [Number(match[2]), Number(match[3] ?? 0), Number(match[4] ?? 0)];
  const order = compare(version, bound);
  switch (op) {
    case '>=': return order >= 0;
    case '>': return order > 0;
    case '<=': return order <= 0;
    case '<': return order < 0;
    default:
      // `=1` or `1.2` names a whole line: 1.x.x, or 1.2.x.
      if (match[3] === undefined) return version[0] === bound[0];
      if (match[4] === undefined) return version[0] === bound[0] && version[1] === bound[1];
      return order === 0;
  }
}

export function satisfiesRange(version: string, range: string): boolean {
  const parsed = parseVersion(version);
  if (parsed === undefined) return false;
  return range.split('||').some((set) => {
    const parts = set.trim().split(/\s+/);
    return parts.every((part) => comparator(part, parsed) === true);
  });
}
