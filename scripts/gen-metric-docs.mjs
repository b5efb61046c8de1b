// `npm run docs`: rewrites the metric reference in docs/metrics.md from the built catalog.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { renderMetricTable, DOC_START, DOC_END } = require('../dist/catalog-doc.js');
const file = 'docs/metrics.md';
const doc = readFileSync(file, 'utf8');
const start = doc.indexOf(DOC_START);
const end = doc.indexOf(DOC_END);
if (start === -1 || end === -1) throw new Error(`${file} lacks the markers ${DOC_START} ... ${DOC_END}`);
writeFileSync(file, doc.slice(0, start) + renderMetricTable() + doc.slice(end + DOC_END.length));
console.log(`${file} metric reference updated`);
