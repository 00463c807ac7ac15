#!/usr/bin/env node
// The `collapse` command: runs the compiled library (npm run build, done by npm install).
const path = require('path');
const fs = require('fs');
const cli = path.join(__dirname, '..', 'dist', 'lib', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('collapse: the library is not built yet; run `npm run build` in ' + path.join(__dirname, '..') + '\n');
  process.exit(2);
}
require(cli).main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
