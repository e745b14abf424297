// notebook.fineTune checks every option before a worker starts (issue 31, item 6): each mistake is
// one line in the cell's words (option names, not CLI flags) instead of "1 of 1 runs failed; see
// LOG" with the cause only in a worker's log; and nothing is written to the store.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fineTune, type FineTuneCellOptions } from "../../src/notebook/fineTuneCell";
import { defaultModelDir } from "../../src/model/defaultModel";

test("notebook.fineTune: a wrong task, mitigation, model folder, GLUE folder, seed or worker count is one line before any run", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "finetune-cell-"));
  const savedGlue = process.env.GLUE_DIR;
  delete process.env.GLUE_DIR;
  try {
    const store = path.join(dir, "store");
    const brokenModel = path.join(dir, "broken-model");
    fs.cpSync(defaultModelDir(), brokenModel, { recursive: true });
    const cfg = JSON.parse(fs.readFileSync(path.join(brokenModel, "config.json"), "utf8"));
    fs.writeFileSync(path.join(brokenModel, "config.json"), JSON.stringify({ ...cfg, layer_norm_eps: "x" }));
    const emptyGlue = path.join(dir, "glue");
    fs.mkdirSync(emptyGlue);
    const cases: [Partial<FineTuneCellOptions>, RegExp][] = [
      [{ task: "nope" }, /^fineTune: unknown task "nope"; task names: rte, mrpc, cola, sst2, /],
      [{ mitigation: "dropconnect" }, /^fineTune: unknown mitigation "dropconnect"; mitigations: none, mixout, llrd, reinit, wd_pre$/],
      [{ modelDir: path.join(dir, "no-model") }, /^fineTune: modelDir .*no-model does not exist; pass modelDir: a Hugging Face checkpoint folder/],
      [{ modelDir: emptyGlue }, /^fineTune: modelDir .*glue has no config\.json; pass modelDir/],
      [{ modelDir: brokenModel }, /^fineTune: modelDir .*broken-model\/config\.json: layer_norm_eps must be a positive number, got "x"$/],
      [{ task: "rte" }, /^fineTune: task "rte" is a GLUE task: pass glueDir: "DIR", a folder in the GLUE layout/],
      [{ task: "rte", glueDir: emptyGlue }, /^fineTune: glueDir .*glue has no RTE\/train\.tsv; pass the folder that holds RTE\//],
      [{ seeds: [2 ** 32] }, /^fineTune: seeds must be a non-empty list of integers in 0\.\.4294967295, got \[4294967296\]$/],
      [{ learningRate: Infinity }, /^fineTune: learningRate must be a positive number, got Infinity$/],
      [{ workers: 0 }, /^fineTune: workers must be a positive integer, got 0$/],
    ];
    for (const [change, re] of cases) {
      await assert.rejects(fineTune({ task: "spam", seeds: [0], store, workers: 1, ...change } as FineTuneCellOptions), (err: Error) => {
        assert.match(err.message, re, JSON.stringify(change));
        // A shell command to run is quoted in backticks; outside them, no CLI flag.
        assert.doesNotMatch(err.message.replace(/`[^`]*`/g, ""), /\n|--\w/, "one line, no CLI flags");
        return true;
      });
      assert.ok(!fs.existsSync(store), `no run was started for ${JSON.stringify(change)}`);
    }
  } finally {
    if (savedGlue !== undefined) process.env.GLUE_DIR = savedGlue;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
