#!/usr/bin/env node
// Registers the Jupyter kernel "tslab" (display name "TypeScript") for this clone, idempotently.
//   node scripts/kernel/register.js            with Debian's Jupyter (system-wide as root, else --user)
//   node scripts/kernel/register.js --into DIR writes DIR/kernels/tslab only (for JUPYTER_PATH=DIR; the tests)
// The kernel is tslab-kernel.js, copied into the kernel's folder: it runs the tslab of the notebook's own project,
// so every clone's notebooks get their own clone's tslab. This clone is added in front of clones.json, the
// fallback for a notebook outside any project; clones that no longer exist are dropped from it.
// Prints one line saying what changed (nothing when already registered).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const clone = path.resolve(__dirname, '..', '..');
const JUPYTER = '/usr/bin/jupyter';
const launcher = fs.readFileSync(path.join(__dirname, 'tslab-kernel.js'), 'utf8');

function spec(dir) {
  return {
    argv: [process.execPath, path.join(dir, 'tslab-kernel.js'), 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript',
    language: 'typescript',
    metadata: { 'collapse-or-thrive': 'finds the notebook\'s own project (scripts/kernel/tslab-kernel.js)' },
  };
}

function readJson(file, fallback) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return fallback;
  }
}

/** Writes the kernel's three files into dir; true when anything changed. */
function writeKernel(dir, clones) {
  fs.mkdirSync(dir, { recursive: true });
  const files = {
    'kernel.json': JSON.stringify(spec(dir), null, 1) + '\n',
    'tslab-kernel.js': launcher,
    'clones.json': JSON.stringify(clones, null, 1) + '\n',
  };
  let changed = false;
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) continue;
    fs.writeFileSync(file, text);
    changed = true;
  }
  return changed;
}

function clonesWith(existing) {
  const list = [clone, ...(Array.isArray(existing) ? existing : [])];
  return [...new Set(list)].filter((c) => fs.existsSync(path.join(c, 'package.json')));
}

const into = process.argv.indexOf('--into');
if (into >= 0) {
  const dir = path.join(path.resolve(process.argv[into + 1]), 'kernels', 'tslab');
  writeKernel(dir, clonesWith(readJson(path.join(dir, 'clones.json'), [])));
  process.exit(0);
}

// Where Jupyter has the kernel now (if anywhere), and where a new one goes.
let current;
try {
  current = JSON.parse(execFileSync(JUPYTER, ['kernelspec', 'list', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).kernelspecs.tslab;
} catch {
  current = undefined;
}
const ours = current && current.spec && Array.isArray(current.spec.argv) && String(current.spec.argv[1] || '').endsWith('tslab-kernel.js');
const root = typeof process.getuid === 'function' && process.getuid() === 0;
const dir = ours ? current.resource_dir : path.join(root ? '/usr/local/share/jupyter' : path.join(os.homedir(), '.local', 'share', 'jupyter'), 'kernels', 'tslab');
const before = ours ? readJson(path.join(dir, 'clones.json'), []) : [];
const previous = current && !ours ? current.spec && current.spec.argv && current.spec.argv[0] : undefined;
const clones = clonesWith(before);
if (!writeKernel(dir, clones)) process.exit(0);
if (previous) {
  console.log(`kernel "tslab" at ${dir} ran ${previous} for every notebook; it now runs the tslab of each notebook's own project (fallback: ${clones[0]})`);
} else if (!ours) {
  console.log(`kernel "tslab" registered at ${dir}: it runs the tslab of each notebook's own project (fallback: ${clones[0]})`);
} else {
  console.log(`kernel "tslab" at ${dir}: this clone added (${clones.length} clone${clones.length === 1 ? '' : 's'} known; each notebook runs the tslab of its own project)`);
}
