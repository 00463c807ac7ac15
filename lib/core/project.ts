// Where the project lives on disk, found from this file's location so the same code works from
// lib/ (tsx), from dist/lib/ (compiled, as the notebooks and the CLI load it) and from a worker.
import * as fs from 'fs';
import * as path from 'path';

let root: string | undefined;

/** The folder holding the project's package.json. */
export function projectRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'collapse-or-thrive') return (root = dir);
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the collapse-or-thrive folder above ${__dirname}`);
    dir = up;
  }
}

/** Cache folder for sweep results: data/cache, or $COLLAPSE_CACHE_DIR. */
export function cacheDir(): string {
  return process.env.COLLAPSE_CACHE_DIR || path.join(projectRoot(), 'data', 'cache');
}

/** Write a file atomically: a temporary file in the same folder, then a rename. Readers never see half a file. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.floor(performance.now() * 1000)}.tmp`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
