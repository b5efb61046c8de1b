// `npm run docs`: rewrites the README's metric reference from the built catalog.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { renderMetricTable, DOC_START, DOC_END } = require('../dist/catalog-doc.js');
const readme = readFileSync('README.md', 'utf8');
const start = readme.indexOf(DOC_START);
const end = readme.indexOf(DOC_END);
if (start === -1 || end === -1) throw new Error(`README.md lacks the markers ${DOC_START} ... ${DOC_END}`);
writeFileSync('README.md', readme.slice(0, start) + renderMetricTable() + readme.slice(end + DOC_END.length));
console.log('README.md metric reference updated');
