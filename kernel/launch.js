#!/usr/bin/env node
// @ts-check
// Starts this checkout's tslab as the "Instability Lab (TypeScript)" Jupyter kernel, with the
// library importable by its package name from a notebook in any directory:
//
//   import { measures, notebook } from "instability-lab";
//
// Jupyter starts a kernel in the notebook's own directory, and tslab resolves imports from
// there twice: once in its TypeScript compiler (type-checking the cell) and once in Node
// (running it). Neither would find this repository from notebooks/ (a package is not inside its
// own node_modules) or from a folder outside the checkout. NODE_PATH only helps the second, so
// both resolvers are pointed at this checkout here:
// - the compiler reads files through `ts.sys`; any path `<dir>/node_modules/instability-lab/...`
//   is read from the checkout instead (the same trick tslab uses so that `import "tslab"` works
//   without a local node_modules), and realpath() maps it to the real file so that
//   everything loaded afterwards has its real name;
// - Node's resolver maps the request "instability-lab[/sub/path]" to the checkout's root.
// Nothing is written anywhere: no symlink, no node_modules in the user's notebook folder.
//
// Usage (kernel.json argv): node kernel/launch.js {connection_file}
"use strict";

const path = require("path");
const Module = require("module");

const PACKAGE = "instability-lab";
const root = path.resolve(__dirname, "..");

function main() {
  const configPath = process.argv[2];
  if (!configPath) {
    console.error("usage: node kernel/launch.js <jupyter connection file>");
    process.exit(2);
  }
  let tslabMain;
  try {
    tslabMain = require.resolve("tslab/dist/main.js", { paths: [root] });
  } catch {
    console.error(`instability-lab kernel: tslab is not installed in ${root}/node_modules; run \`npm install\` there.`);
    process.exit(1);
  }
  if (!require("fs").existsSync(path.join(root, "dist", "src", "index.js"))) {
    console.error(`instability-lab kernel: ${root}/dist is missing; run \`npm run build\` there.`);
    process.exit(1);
  }
  const ts = require(require.resolve("@tslab/typescript-for-tslab", { paths: [path.dirname(tslabMain)] }));
  redirectCompilerReads(ts.sys);
  redirectNodeResolution();
  // Execution counts, error outputs and JupyterLab 4's kernel_info: see kernel/protocol.js.
  require("./protocol").patchTslab(path.dirname(tslabMain));
  // enableFindLocal: false keeps this tslab (whose compiler was patched above) even when the
  // notebook's folder has another tslab in its node_modules.
  require(tslabMain).startKernel({ configPath, enableFindLocal: false, jsKernel: false });
}

/** `/a/b/node_modules/instability-lab/dist/x.d.ts` → `<root>/dist/x.d.ts`; other paths unchanged. */
function toCheckout(p) {
  const marker = `/node_modules/${PACKAGE}`;
  const norm = p.replace(/\\/g, "/");
  const at = norm.indexOf(marker);
  if (at < 0) return p;
  const rest = norm.slice(at + marker.length);
  if (rest !== "" && !rest.startsWith("/")) return p; // e.g. node_modules/instability-lab-foo
  return path.join(root, rest);
}

/** @param {any} sys the TypeScript `sys` object tslab's compiler host delegates to */
function redirectCompilerReads(sys) {
  for (const name of ["readFile", "fileExists", "directoryExists", "getModifiedTime", "watchFile", "watchDirectory"]) {
    const original = sys[name];
    if (typeof original !== "function") continue;
    sys[name] = function (p, ...rest) {
      return original.call(this, typeof p === "string" ? toCheckout(p) : p, ...rest);
    };
  }
  const readDirectory = sys.readDirectory;
  sys.readDirectory = function (p, ...rest) {
    return readDirectory.call(this, toCheckout(p), ...rest);
  };
  const realpath = sys.realpath;
  sys.realpath = function (p) {
    const target = toCheckout(p);
    return realpath ? realpath.call(this, target) : target;
  };
}

function redirectNodeResolution() {
  const M = /** @type {any} */ (Module);
  const resolve = M._resolveFilename;
  M._resolveFilename = function (request, ...rest) {
    if (request === PACKAGE || (typeof request === "string" && request.startsWith(PACKAGE + "/"))) {
      request = root + request.slice(PACKAGE.length);
    }
    return resolve.call(this, request, ...rest);
  };
}

main();
