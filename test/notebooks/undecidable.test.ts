// showUndecidable reads the findings of the report's table of sections: a store too shallow for a
// layer-curve correlation says so up front; any section id of the table is accepted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { RunStore } from "../../src/analysis/store";
import { setDisplaySink } from "../../src/notebook/display";
import { showUndecidable } from "../../src/notebook/undecidable";
import { fiveMethods, writeSyntheticStore } from "../analysis/synthetic";
import { mkdtemp } from "../helpers/tempDir";

function shown(fn: () => void): string[] {
  const out: string[] = [];
  const previous = setDisplaySink((b) => void out.push(String(b["text/plain"])));
  try {
    fn();
  } finally {
    setDisplaySink(previous);
  }
  return out;
}

test("showUndecidable names the structural gap of a shallow store, and nothing for a section without one", () => {
  const dir = mkdtemp("undecidable-");
  writeSyntheticStore(dir, { configs: fiveMethods([0, 1, 2, 3]), n: 30, blocks: 2 });
  const store = new RunStore(dir);
  const lines = shown(() => showUndecidable(store, ["convergent"]));
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^Undecidable here\. .*2 layers/);
  assert.deepEqual(shown(() => showUndecidable(store, ["learning"])), []);
});
