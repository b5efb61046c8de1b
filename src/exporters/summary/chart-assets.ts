/**
 * uPlot (MIT, pinned exactly in package.json), served from the installed package so the status
 * page needs no CDN and works offline. Read on first request and kept: about 50 KB.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ChartAsset {
  type: string;
  body: string;
}

const FILES: Record<'/uplot.js' | '/uplot.css', { file: string; type: string }> = {
  '/uplot.js': { file: 'uPlot.iife.min.js', type: 'text/javascript; charset=utf-8' },
  '/uplot.css': { file: 'uPlot.min.css', type: 'text/css; charset=utf-8' },
};

const cache = new Map<string, ChartAsset>();

/** The asset at `path`; throws (a 500 from the server) when the package is missing. */
export function chartAsset(path: '/uplot.js' | '/uplot.css'): ChartAsset {
  const hit = cache.get(path);
  if (hit !== undefined) return hit;
  // uplot's "main" is dist/uPlot.cjs.js; the browser build sits beside it.
  const dist = dirname(require.resolve('uplot'));
  const asset = { type: FILES[path].type, body: readFileSync(join(dist, FILES[path].file), 'utf8') };
  cache.set(path, asset);
  return asset;
}
