#!/usr/bin/env node
// Assemble every lib/**/*.wat into the .wasm beside it (`npm run build:wasm`, with wabt). The small binaries
// are committed, so running the project needs no assembler; test/wasm.test.ts checks they match the text.
const fs = require('fs');
const path = require('path');

const LIB = path.join(__dirname, '..', 'lib');

/** Every .wat source under lib/, as absolute paths. */
function sources(dir = LIB) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.wat') ? [p] : [];
  });
}

async function assemble(file) {
  const wabt = await require('wabt')();
  const module = wabt.parseWat(path.basename(file), fs.readFileSync(file, 'utf8'), { simd: true });
  try {
    module.validate();
    return Buffer.from(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

const wasmOf = (wat) => wat.replace(/\.wat$/, '.wasm');

module.exports = { assemble, sources, wasmOf };

if (require.main === module) {
  (async () => {
    for (const wat of sources()) {
      const bytes = await assemble(wat);
      const out = wasmOf(wat);
      const tmp = `${out}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, bytes);
      fs.renameSync(tmp, out);
      console.log(`${path.relative(process.cwd(), out)}: ${bytes.length} bytes`);
    }
  })();
}
