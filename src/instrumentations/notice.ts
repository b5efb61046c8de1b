/**
 * One stderr line per fact an instrumentation must not keep silent (a supported library loaded
 * in a version or shape it cannot patch): never stdout, which an MCP stdio server speaks on, and
 * never twice.
 */
const said = new Set<string>();

export function noticeOnce(key: string, line: string): void {
  if (said.has(key)) return;
  said.add(key);
  process.stderr.write(`${line}\n`);
}
