// Backend choice: the override is honoured, the choice is printed once per process, a bad value
// or an unavailable tfjs-node is a clear error, and without an override the fallback chain works.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const MODEL = path.join(__dirname, "..", "..", "src", "model");

function runWith(env: string | undefined): { stdout: string; stderr: string } {
  const script = `const m = require(${JSON.stringify(MODEL)});
(async () => { const a = await m.initBackend(); const b = await m.initBackend(); console.log(a + " " + b + " " + require("@tensorflow/tfjs").getBackend()); })()
  .catch((e) => console.log("ERR " + e.message));`;
  const r = spawnSync(process.execPath, ["-e", script], {
    encoding: "utf8",
    cwd: path.join(__dirname, "..", "..", ".."),
    env: { ...process.env, INSTABILITY_BACKEND: env ?? "" },
  });
  return { stdout: r.stdout.trim(), stderr: r.stderr };
}

test("INSTABILITY_BACKEND=cpu is honoured and announced once", () => {
  const r = runWith("cpu");
  assert.equal(r.stdout, "cpu cpu cpu");
  assert.equal(r.stderr.split("tfjs backend: cpu").length - 1, 1);
});

test("without an override the first backend that loads wins (never silently)", () => {
  const r = runWith(undefined);
  const [name] = r.stdout.split(" ");
  assert.ok(["node", "wasm", "cpu"].includes(name), r.stdout);
  assert.match(r.stderr, new RegExp(`tfjs backend: ${name}`));
});

test("a bad override is an error naming the variable and the choices", () => {
  assert.match(runWith("gpu").stdout, /ERR INSTABILITY_BACKEND=gpu is not a backend: use node, wasm or cpu/);
});
