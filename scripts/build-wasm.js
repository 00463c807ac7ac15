#!/usr/bin/env node
// Assemble lib/kde/kernel.wat into lib/kde/kernel.wasm (`npm run build:wasm`, with wabt). The small binary
// is committed, so running the project needs no assembler; test/kde-wasm.test.ts checks it matches the text.
const fs = require('fs');
const path = require('path');

const WAT = path.join(__dirname, '..', 'lib', 'kde', 'kernel.wat');
const WASM = WAT.replace(/\.wat$/, '.wasm');

async function assemble(file = WAT) {
  const wabt = await require('wabt')();
  const module = wabt.parseWat(path.basename(file), fs.readFileSync(file, 'utf8'), { simd: true });
  try {
    module.validate();
    return Buffer.from(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

module.exports = { assemble, WAT, WASM };

if (require.main === module) {
  assemble().then((bytes) => {
    const tmp = `${WASM}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, WASM);
    console.log(`${path.relative(process.cwd(), WASM)}: ${bytes.length} bytes`);
  });
}
