// notebook.checkRuns on a run store's root (issue 31, item 19): like `measure`, it names the
// configuration folders inside to pick from, instead of "no runs" with no way forward.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkRuns } from "../../src/notebook/runsFolder";
import { writeRun } from "../../src/runs";

test("checkRuns on a store root names its configuration folders", () => {
  const store = fs.mkdtempSync(path.join(os.tmpdir(), "store-root-"));
  try {
    for (const seed of [0, 1]) {
      writeRun(path.join(store, "tiny", "spam", "none-lr1e-3", `seed-0${seed}`), {
        logits: { data: Float32Array.from([1, 0, 0, 1]), shape: [2, 2] },
        labels: { data: Int32Array.from([0, 1]), shape: [2] },
      });
    }
    const config = path.join(store, "tiny", "spam", "none-lr1e-3");
    assert.throws(() => checkRuns(store), (err: Error) => {
      assert.equal(err.message, `checkRuns: ${store} is a run store, not a runs folder: set RUNS_DIR to one of its 1 configuration folder(s), e.g. ${config}; they are tiny/spam/none-lr1e-3 (2 runs)`);
      return true;
    });
  } finally {
    fs.rmSync(store, { recursive: true, force: true });
  }
});
