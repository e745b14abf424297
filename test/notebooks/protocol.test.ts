// kernel/protocol.js's error outputs, from what tslab's executor prints when a cell fails.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";

const { describeFailure } = require(path.resolve(__dirname, "..", "..", "..", "kernel", "protocol.js")) as {
  describeFailure(prints: unknown[][]): { ename: string; evalue: string; traceback: string[] };
};

test("a thrown Error becomes its name, message and the stack down to the cell's own frames", () => {
  const e = new RangeError("seed 7 is not in 1..3");
  e.stack = [
    "RangeError: seed 7 is not in 1..3",
    "    at pick (evalmachine.<anonymous>:3:9)",
    "    at evalmachine.<anonymous>:6:1",
    "    at sigintHandlersWrap (node:vm:280:12)",
    "    at Object.execute (/x/node_modules/tslab/dist/executor.js:160:38)",
  ].join("\n");
  assert.deepEqual(describeFailure([[e]]), {
    ename: "RangeError",
    evalue: "seed 7 is not in 1..3",
    traceback: ["RangeError: seed 7 is not in 1..3", "    at pick (evalmachine.<anonymous>:3:9)", "    at evalmachine.<anonymous>:6:1"],
  });
});

test("the interrupt, a thrown non-Error and TypeScript diagnostics each get a name", () => {
  assert.equal(describeFailure([[new Error("Interrupted asynchronously")]]).ename, "KernelInterrupted");
  assert.deepEqual(describeFailure([["no"]]), { ename: "Uncaught", evalue: "'no'", traceback: ["Uncaught 'no'"] });
  const diag = describeFailure([
    ["%s%d:%d - %s", "", 1, 7, "Type 'number' is not assignable to type 'string'."],
    ["%s%d:%d - %s", "", 2, 1, "Cannot find name 'y'."],
  ]);
  assert.equal(diag.ename, "TypeScriptError");
  assert.equal(diag.evalue, "1:7 - Type 'number' is not assignable to type 'string'. (and 1 more)");
  assert.deepEqual(diag.traceback, ["TypeScriptError: 1:7 - Type 'number' is not assignable to type 'string'.", "TypeScriptError: 2:1 - Cannot find name 'y'."]);
  assert.equal(describeFailure([]).ename, "Error");
});
