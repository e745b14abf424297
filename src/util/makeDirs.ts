// `mkdir -p` that cannot hang. Node's fs.mkdirSync(dir, { recursive: true }) spins forever at
// 100% CPU under /proc (e.g. /proc/self/store: every mkdir there fails with ENOENT, and it retries);
// this walks up to the nearest existing folder and creates each missing one, failing on the first error.
import * as fs from "node:fs";
import * as path from "node:path";

/** Creates `dir` and its missing parents; throws the first mkdir error (ENOENT, EACCES, ENOTDIR…). */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let at = path.resolve(dir);
  for (;;) {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    if (st) {
      if (!st.isDirectory()) {
        const e = new Error(`ENOTDIR: not a directory, mkdir '${dir}' (${at} is a file)`) as NodeJS.ErrnoException;
        e.code = "ENOTDIR";
        throw e;
      }
      break;
    }
    missing.push(at);
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err; // created meanwhile: fine
    }
  }
}
