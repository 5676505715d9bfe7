#!/usr/bin/env node
'use strict';
// The README's JavaScript code blocks are copies of regions of the example programs in
// examples/, which the test suite runs (ffast-node/test/examples.test.js): one copy is edited
// (the example file), the README's is generated from it.
//
//   node scripts/readme-examples.js          check: exit 1 and say which block differs
//   node scripts/readme-examples.js --write  rewrite the README's blocks from the examples
//
// In README.md every ```js block is preceded by a line naming its source:
//   <!-- example: examples/tour.js -->          the region `readme` of that file
//   <!-- example: examples/zlib.js#async -->    the region `async`
// A region is the lines between `// #region <name>` and `// #endregion` (dedented by their
// common indentation). A ```js block without such a line is an error: it would be code nobody runs.
const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..');
const README = path.join(REPO, 'README.md');
const JS_FENCE = /^```(js|javascript|mjs|cjs)\s*$/;
const SOURCE = /^<!--\s*example:\s*(examples\/[\w.-]+\.m?js)(?:#([\w-]+))?\s*-->\s*$/;

/** The lines of region `name` of `file` (repository-relative), dedented. */
function region(file, name) {
  const lines = fs.readFileSync(path.join(REPO, file), 'utf8').split('\n');
  const open = lines.findIndex((l) => l.trim() === `// #region ${name}`);
  if (open < 0) throw new Error(`${file}: no '// #region ${name}'`);
  const close = lines.findIndex((l, i) => i > open && l.trim().startsWith('// #endregion'));
  if (close < 0) throw new Error(`${file}: region '${name}' has no '// #endregion'`);
  if (lines.slice(open + 1, close).some((l) => l.trim().startsWith('// #region'))) {
    throw new Error(`${file}: region '${name}' contains another region`);
  }
  const body = lines.slice(open + 1, close);
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => l.match(/^ */)[0].length));
  return body.map((l) => l.slice(indent).trimEnd());
}

/**
 * Every ```js block of the README: { line (1-based), file, name, actual: lines, expected: lines }
 * (expected is null and `error` set when the source is missing or unreadable).
 */
function blocks(text = fs.readFileSync(README, 'utf8')) {
  const lines = text.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    if (!JS_FENCE.test(lines[i])) continue;
    const end = lines.findIndex((l, j) => j > i && l.trim() === '```');
    if (end < 0) throw new Error(`README.md:${i + 1}: unterminated code block`);
    let j = i - 1;
    while (j >= 0 && !lines[j].trim()) j--;
    const m = j >= 0 ? SOURCE.exec(lines[j]) : null;
    const b = { line: i + 1, start: i + 1, end, actual: lines.slice(i + 1, end), file: null, name: null, expected: null };
    if (!m) {
      b.error = `README.md:${i + 1}: a js code block without '<!-- example: examples/….js -->' before it`;
    } else {
      b.file = m[1];
      b.name = m[2] || 'readme';
      try {
        b.expected = region(b.file, b.name);
      } catch (e) {
        b.error = `README.md:${i + 1}: ${e.message}`;
      }
    }
    out.push(b);
    i = end;
  }
  return out;
}

/** The problems, as messages (empty when the README and the examples agree). */
function check(text) {
  const problems = [];
  for (const b of blocks(text)) {
    if (b.error) {
      problems.push(b.error);
      continue;
    }
    if (b.actual.join('\n') !== b.expected.join('\n')) {
      const k = b.actual.findIndex((l, x) => l !== b.expected[x]);
      const at = k < 0 ? b.actual.length : k;
      problems.push(
        `README.md:${b.line + 1 + at}: the block differs from ${b.file}#${b.name} at its line ${at + 1}:\n` +
          `  README:  ${JSON.stringify(b.actual[at])}\n  example: ${JSON.stringify(b.expected[at])}`,
      );
    }
  }
  return problems;
}

/** The README text with every block replaced by its region. */
function write(text) {
  const lines = text.split('\n');
  for (const b of blocks(text).reverse()) {
    if (b.error) throw new Error(b.error);
    lines.splice(b.start, b.end - b.start, ...b.expected);
  }
  return lines.join('\n');
}

module.exports = { blocks, check, write, region, README };

if (require.main === module) {
  const text = fs.readFileSync(README, 'utf8');
  if (process.argv.includes('--write')) {
    const next = write(text);
    if (next !== text) fs.writeFileSync(README, next);
    console.log(next === text ? 'README.md: up to date' : 'README.md: blocks rewritten from examples/');
  } else {
    const problems = check(text);
    for (const p of problems) console.error(p);
    if (problems.length) {
      console.error('(edit the example, then: node scripts/readme-examples.js --write)');
      process.exit(1);
    }
    console.log(`README.md: ${blocks(text).length} code blocks agree with examples/`);
  }
}
