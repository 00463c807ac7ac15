#!/usr/bin/env node
// The Jupyter kernel "tslab" ("TypeScript") as collapse-or-thrive's set-up registers it. It belongs to no one
// clone: Jupyter starts a kernel in the notebook's folder, and this launcher runs the tslab of the notebook's own
// project (node_modules/tslab in that folder or above it, or that of a collapse-or-thrive installed there by
// `npm install <clone>`), and only when there is none, the tslab of a clone that ran the set-up (clones.json, next
// to this file, newest first). So a second clone's set-up never re-points the notebooks of the first one.
// scripts/kernel/register.js copies this file into the kernel's folder.
'use strict';
const fs = require('fs');
const path = require('path');

const TSLAB = ['tslab', 'dist', 'main.js'];

function candidates() {
  const out = [];
  for (let dir = process.cwd(); ; ) {
    if (path.basename(dir) !== 'node_modules') {
      out.push(path.join(dir, 'node_modules', ...TSLAB));
      out.push(path.join(dir, 'node_modules', 'collapse-or-thrive', 'node_modules', ...TSLAB));
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  let clones = [];
  try {
    clones = JSON.parse(fs.readFileSync(path.join(__dirname, 'clones.json'), 'utf8'));
  } catch {
    // no clone registered: only the notebook's own folder counts
  }
  for (const clone of clones) out.push(path.join(clone, 'node_modules', ...TSLAB));
  return out;
}

const args = process.argv.slice(2);
const at = args.indexOf('--config-path');
const configPath = at >= 0 ? args[at + 1] : '';
const tried = candidates();
const found = tried.find((f) => fs.existsSync(f));
if (!found) {
  process.stderr.write(`tslab kernel: no tslab found for ${process.cwd()}: run \`bash scripts/setup.sh\` in a collapse-or-thrive clone, ` +
    `or \`npm install <clone>\` in this folder (looked for ${tried.join(', ')})\n`);
  process.exit(1);
}
if (process.env.COLLAPSE_KERNEL_VERBOSE) process.stderr.write(`tslab kernel: ${found}\n`);
require(found).startKernel({ configPath, enableFindLocal: false, jsKernel: args.includes('--js') });
