// Reads the docs as a reader of the npm page or of node_modules sees them: the links each file
// makes, the anchors each file has (GitHub's heading slugs), and the code blocks it labels as
// runnable with `<!-- run: cjs -->` / `<!-- run: esm -->` on the line before the fence.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** A fenced code block, with the run label of the line before it (if any). */
export interface CodeBlock {
  /** The fence's info string, e.g. `js`, `sh`. */
  lang: string;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** `cjs` or `esm` when the block is labelled runnable. */
  run?: 'cjs' | 'esm';
  /** Labelled `<!-- output -->`: what the runnable block before it prints. */
  isOutput: boolean;
  /** For a runnable block, the code of the next block when that one is labelled `<!-- output -->`. */
  output?: string;
}

const FENCE = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/;
const RUN_LABEL = /^<!--\s*run:\s*(\S+)\s*-->$/;
const OUTPUT_LABEL = /^<!--\s*output\s*-->$/;

/** Every fenced code block of `markdown`, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = lines[j]!.trim();
      if (close.startsWith(fence[0]!.repeat(fence.length)) && close.replace(/[`~]/g, '') === '') break;
      body.push(lines[j]!);
    }
    const labelLine = i > 0 ? lines[i - 1]!.trim() : '';
    const label = RUN_LABEL.exec(labelLine);
    const block: CodeBlock = { lang: open[3]!, code: `${body.join('\n')}\n`, line: i + 1, isOutput: OUTPUT_LABEL.test(labelLine) };
    const previous = blocks.at(-1);
    if (block.isOutput && previous?.run !== undefined && previous.output === undefined) previous.output = block.code;
    if (label) {
      if (label[1] !== 'cjs' && label[1] !== 'esm') throw new Error(`line ${i}: the run label "${label[1]}" is neither cjs nor esm`);
      block.run = label[1];
    }
    blocks.push(block);
    i = j;
  }
  return blocks;
}

/**
 * `markdown` with fenced blocks blanked out, and inline code too unless `keepInlineCode` (links
 * inside code are not links; a heading's code is part of its text).
 */
function prose(markdown: string, keepInlineCode = false): string[] {
  const lines = markdown.split('\n');
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const open = FENCE.exec(line);
    if (fence === undefined && open) {
      fence = open[2]![0]!.repeat(open[2]!.length);
      out.push('');
    } else if (fence !== undefined) {
      if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, '') === '') fence = undefined;
      out.push('');
    } else {
      out.push(keepInlineCode ? line : line.replace(/(`+)(?:(?!\1).)*?\1/g, ''));
    }
  }
  return out;
}

/** A link of a markdown file: where it points, and the line it is on. */
export interface Link {
  target: string;
  line: number;
}

/** Inline links and images (`[text](target)`, `![alt](target)`) and reference definitions. */
export function links(markdown: string): Link[] {
  const found: Link[] = [];
  prose(markdown).forEach((text, index) => {
    for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) found.push({ target: m[1]!, line: index + 1 });
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(text);
    if (definition) found.push({ target: definition[1]!, line: index + 1 });
  });
  return found;
}

/**
 * The text GitHub renders for a heading's source: emphasis, code ticks and link targets gone,
 * HTML tags dropped.
 */
function headingText(source: string): string {
  return source
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|\W)[*_](.+?)[*_](?=\W|$)/g, '$1$2')
    .trim();
}

/** GitHub's slug of one heading text: lower case, punctuation dropped, spaces to hyphens. */
export function slug(text: string): string {
  return headingText(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor of `markdown`: heading slugs (repeats get -1, -2, ... as on GitHub) and HTML ids. */
export function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  const seen = new Map<string, number>();
  for (const text of prose(markdown, true)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (heading) {
      const base = slug(heading[1]!);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      found.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const m of text.matchAll(/<a\s[^>]*\b(?:id|name)="([^"]+)"/g)) found.add(m[1]!);
  }
  return found;
}

/** One link that leads nowhere: `file:line target (why)`. */
export type BrokenLink = string;

/**
 * Every link of the markdown files `files` (paths relative to `root`) that does not resolve:
 * a relative target must be a file under `root` (a directory is not a page), its `#anchor` a
 * heading of it; an absolute one must be https and, when it names a GitHub repository path,
 * `repositoryUrl` itself (so nothing points at a fork or an old name).
 */
export function brokenLinks(root: string, files: string[], repositoryUrl: string): BrokenLink[] {
  const broken: BrokenLink[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOf = (path: string): Set<string> => {
    let set = anchorCache.get(path);
    if (!set) anchorCache.set(path, (set = anchors(readFileSync(path, 'utf8'))));
    return set;
  };
  for (const file of files) {
    const path = join(root, file);
    for (const { target, line } of links(readFileSync(path, 'utf8'))) {
      const where = `${file}:${line} ${target}`;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
        const why = absoluteProblem(target, repositoryUrl);
        if (why !== undefined) broken.push(`${where} (${why})`);
        continue;
      }
      const hash = target.indexOf('#');
      const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
      const fragment = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
      const resolved = pathPart === '' ? path : join(dirname(path), pathPart);
      const inside = relative(root, resolved);
      if (inside.startsWith(`..${sep}`) || inside === '..') {
        broken.push(`${where} (outside the package)`);
        continue;
      }
      if (!existsSync(resolved)) {
        broken.push(`${where} (no such file)`);
        continue;
      }
      if (statSync(resolved).isDirectory()) {
        broken.push(`${where} (a directory, not a page)`);
        continue;
      }
      if (fragment !== undefined && resolved.endsWith('.md') && !anchorsOf(resolved).has(fragment)) {
        broken.push(`${where} (no heading #${fragment} in ${relative(root, resolved)})`);
      }
    }
  }
  return broken;
}

function absoluteProblem(target: string, repositoryUrl: string): string | undefined {
  if (target.startsWith('mailto:')) return undefined;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return 'not a well-formed URL';
  }
  if (url.protocol !== 'https:') return 'not https';
  if (url.hostname === 'github.com') {
    const [owner, name] = url.pathname.split('/').filter((p) => p !== '');
    const repo = new URL(repositoryUrl);
    const [repoOwner, repoName] = repo.pathname.split('/').filter((p) => p !== '');
    // Links to other projects' issues (opentelemetry-js, kafkajs) are fine; ones that name this
    // project's owner must name its repository.
    if (owner === repoOwner && name !== repoName?.replace(/\.git$/, '')) return `not the repository ${repositoryUrl}`;
  }
  return undefined;
}
