// Task loading (CPU ms): first call (parse / build) against a cached second call, and against the bare
// cost of reading the bytes, so the parser's overhead shows as a ratio measured in the same run.
import * as fs from "node:fs";
import * as path from "node:path";
import { loadTask } from "../src/data/loadTask";
import { GLUE_SPECS, GLUE_TASKS } from "../src/data/glue";
import { pretrainingCorpus } from "../src/data/pretrainingCorpus";

// CPU time of this process (user + system), less sensitive than wall time to other processes
// sharing the cores.
function ms(f: () => unknown): number {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
}

const glueDir = [process.env.GLUE_DIR, path.resolve(__dirname, "..", "..", "..", "shared", "data", "glue")].find(
  (d) => d && fs.existsSync(path.join(d, "RTE", "dev.tsv")),
);
if (glueDir) {
  for (const task of GLUE_TASKS) {
    const dir = path.join(glueDir, GLUE_SPECS[task].dir);
    const read = ms(() => ["train.tsv", "dev.tsv"].forEach((f) => fs.readFileSync(path.join(dir, f), "utf8")));
    const cold = ms(() => loadTask(task, { glueDir }));
    const warm = ms(() => loadTask(task, { glueDir }));
    console.log(`${task.padEnd(10)} read ${read.toFixed(1)} ms, load ${cold.toFixed(1)} ms (${(cold / read).toFixed(1)}x read), cached ${warm.toFixed(3)} ms`);
  }
} else {
  console.log("GLUE data not found (set GLUE_DIR): GLUE tasks skipped");
}
for (const task of ["sotu-party", "sotu-pair", "spam"]) {
  const cold = ms(() => loadTask(task));
  const warm = ms(() => loadTask(task));
  console.log(`${task.padEnd(10)} build ${cold.toFixed(1)} ms, cached ${warm.toFixed(3)} ms (${(cold / Math.max(warm, 1e-3)).toFixed(0)}x)`);
}
const corpus = ms(() => pretrainingCorpus());
console.log(`pre-training corpus: ${corpus.toFixed(0)} ms for ${pretrainingCorpus().length} documents (embedded tasks already cached)`);
