// purge-css.mjs -- GOV.UK Frontend's stylesheet cut down to the rules our pages can use.
//
//   node scripts/purge-css.mjs OUT.css govuk-frontend.min.css FILE...
//
// The whole stylesheet is 132 KB and a citizen's first visit paid for all of it; our pages use a
// few dozen of its components. PurgeCSS (npm) keeps a rule only when its classes, ids, attributes
// and element names appear as words in FILE... -- the templates, the C code that writes class
// names (an input's width), the scripts -- so a new component in a template is kept by the next
// build without a list to maintain. A word is what a class can be made of, with GOV.UK's "!" of
// its override classes (govuk-!-width-two-thirds). A class built from pieces at run time would be
// lost: write class names whole, or add them to SAFELIST below. The output is build-only
// (build/css/), embedded by tools/embed.c like any static file.
import fs from 'node:fs';
import path from 'node:path';
import { PurgeCSS } from 'purgecss';

// Classes a page gets without their name being written anywhere whole (none today).
const SAFELIST = [];

const [out, css, ...content] = process.argv.slice(2);
if (!out || !css || content.length === 0) {
  console.error('usage: node scripts/purge-css.mjs OUT.css govuk-frontend.min.css FILE...');
  process.exit(2);
}

const words = (text) => text.match(/[A-Za-z0-9_!-]+/g) || [];
const [result] = await new PurgeCSS().purge({
  css: [css],
  content: content.map((f) => ({ raw: fs.readFileSync(f, 'utf8'), extension: 'txt' })),
  defaultExtractor: words,
  safelist: SAFELIST,
  fontFace: true,
  keyframes: true,
});
fs.mkdirSync(path.dirname(out), { recursive: true });
// without the source-map comment: the map is not shipped
fs.writeFileSync(out, result.css.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, '') + '\n');
const before = fs.statSync(css).size;
console.log(`purge-css: ${out}: ${fs.statSync(out).size} bytes (of ${before})`);
