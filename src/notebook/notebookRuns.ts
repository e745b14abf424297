// The runs an analysis notebook reads. One call in a notebook's first cells decides where they
// come from and makes sure they exist, resuming whatever is already there:
//   - GLUE (glueDir set): `instability sweep` on RTE, MRPC, CoLA with the preset's grid;
//   - otherwise the embedded tasks and model, with the same sweep;
//   - a synthetic store (writeSyntheticStore) when this build has no fine-tuning engine yet, so
//     the notebooks run end to end; it is labelled synthetic wherever it shows up.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkoutRoot } from "./kernelspec";
import { writeSyntheticStore } from "./syntheticStore";

export type Preset = "quick" | "paper";

export interface NotebookRunsOptions {
  /** A GLUE folder (RTE, MRPC, CoLA …); undefined: the embedded tasks and model. */
  glueDir?: string;
  preset?: Preset;
  /** "standard": Standard runs only; "all": the four mitigation methods too. */
  methods?: "standard" | "all";
  /** Also the failed-run sweep (Standard at a larger learning rate, final models kept). */
  failedRuns?: boolean;
  /** Parent of the run stores (default: runs/notebooks in this checkout), shared by all notebooks. */
  root?: string;
  /** Fine-tune (true), write synthetic runs (false), or fine-tune when the engine and model are built (default). */
  fineTune?: boolean;
  /** Checkpoint folder (default: the embedded model). */
  model?: string;
  /** Where progress lines go (default console.log, which a notebook cell streams). */
  log?: (line: string) => void;
}

export interface NotebookRuns {
  /** The run store to pass to analysis.RunStore. */
  store: string;
  source: "synthetic" | "fine-tuned";
  /** One sentence: what the runs are. */
  description: string;
}

/**
 * The grid of each preset. "paper" is method.md §3: 20 Standard seeds, 10 per method, 20 failed-run
 * seeds, 5 epochs, LR 2e-5 (5e-5 for the failed runs). "quick" fits a notebook's 10 minutes on a
 * 2-core machine with the embedded model (4 runs take about 2 minutes there with 2 workers): one
 * task, 4 Standard seeds and 3 per method (bootstrapping needs 3), 64 training examples of at most
 * 64 tokens, one epoch, and a larger LR, because 4 updates at 2e-5 barely move
 * a model. It exercises every analysis on real fine-tuned runs; its numbers are not the paper's.
 */
const PRESETS: Record<Preset, {
  embeddedTasks?: string[]; standardSeeds: string; methodSeeds: string; failedSeeds: string;
  lr: number; failedLr: number; epochs?: number; maxTrainExamples?: number; maxLength?: number;
}> = {
  quick: { embeddedTasks: ["sotu-party"], standardSeeds: "0-3", methodSeeds: "0-2", failedSeeds: "0-3", lr: 1e-4, failedLr: 1e-3, epochs: 1, maxTrainExamples: 64, maxLength: 64 },
  paper: { standardSeeds: "0-19", methodSeeds: "0-9", failedSeeds: "0-19", lr: 2e-5, failedLr: 5e-5, epochs: 5 },
};
const GLUE_TASKS = ["rte", "mrpc", "cola"];
const MITIGATIONS = ["mixout", "llrd", "reinit", "wd_pre"];

/**
 * Whether this build can fine-tune: the `instability finetune` command is built, and (unless a
 * checkpoint is given) the embedded pre-trained model is there. `reason` says what is missing.
 */
export function fineTuningAvailable(model?: string): { ok: boolean; reason?: string } {
  if (!fs.existsSync(path.join(__dirname, "..", "cli", "commands", "finetune.js"))) {
    return { ok: false, reason: "this build has no fine-tuning engine (`instability finetune`)" };
  }
  if (model) return fs.existsSync(path.join(model, "config.json")) ? { ok: true } : { ok: false, reason: `${model} has no config.json` };
  let dir: string | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require("../model") as { defaultModelDir?: () => string };
    dir = m.defaultModelDir?.();
  } catch {
    dir = undefined;
  }
  if (!dir || !fs.existsSync(path.join(dir, "config.json"))) {
    return { ok: false, reason: "this build has no embedded pre-trained model (models/)" };
  }
  return { ok: true };
}

export async function notebookRuns(o: NotebookRunsOptions = {}): Promise<NotebookRuns> {
  const preset = o.preset ?? "quick";
  if (!PRESETS[preset]) throw new Error(`notebookRuns: unknown preset '${preset}' (use "quick" or "paper")`);
  const log = o.log ?? ((line: string) => console.log(line));
  const root = o.root ?? path.join(checkoutRoot(), "runs", "notebooks");
  const available = fineTuningAvailable(o.model);
  const fineTune = o.fineTune ?? available.ok;
  if (fineTune && !available.ok) throw new Error(`notebookRuns: cannot fine-tune: ${available.reason}`);
  if (!fineTune) {
    if (o.glueDir) {
      throw new Error(
        `notebookRuns: GLUE_DIR is set but ${available.reason ?? "fine-tuning is switched off"}; ` +
          "update the checkout and run `npm run build`, or set GLUE_DIR = undefined to use synthetic runs",
      );
    }
    const store = path.join(root, "synthetic");
    const r = writeSyntheticStore(store, { failedRuns: o.failedRuns, methods: o.methods === "standard" ? ["none"] : undefined });
    const description =
      `SYNTHETIC runs (generated by notebook.writeSyntheticStore, not fine-tuned: ${available.reason ?? "fine-tuning switched off"}) in ${store}; ` +
      `${r.written} written now, ${r.existing} already there. Their numbers say nothing about fine-tuning; they only exercise the analyses.`;
    log(description);
    return { store, source: "synthetic", description };
  }

  if (o.glueDir && !fs.existsSync(o.glueDir)) {
    throw new Error(`notebookRuns: GLUE_DIR '${o.glueDir}' does not exist; download GLUE with \`instability data glue --out DIR\` or set GLUE_DIR = undefined`);
  }
  const p = PRESETS[preset];
  const store = path.join(root, `${o.glueDir ? "glue" : "embedded"}-${preset}`);
  const common = [
    "--store", store,
    ...(o.glueDir ? ["--glue-dir", o.glueDir, "--tasks", GLUE_TASKS.join(",")] : p.embeddedTasks ? ["--tasks", p.embeddedTasks.join(",")] : []),
    ...(o.model ? ["--model", o.model] : []),
    ...(p.epochs !== undefined ? ["--epochs", String(p.epochs)] : []),
    ...(p.maxTrainExamples !== undefined ? ["--max-train-examples", String(p.maxTrainExamples)] : []),
    ...(p.maxLength !== undefined ? ["--max-length", String(p.maxLength)] : []),
  ];
  const sweeps: { what: string; args: string[] }[] = [
    { what: "Standard runs", args: [...common, "--mitigations", "none", "--lrs", String(p.lr), "--seeds", p.standardSeeds] },
  ];
  if (o.methods === "all") {
    sweeps.push({ what: "mitigation methods", args: [...common, "--mitigations", MITIGATIONS.join(","), "--lrs", String(p.lr), "--seeds", p.methodSeeds] });
  }
  if (o.failedRuns) {
    sweeps.push({ what: "failed-run sweep", args: [...common, "--mitigations", "none", "--lrs", String(p.failedLr), "--seeds", p.failedSeeds, "--save-final"] });
  }
  for (const s of sweeps) {
    log(`sweep (${s.what}): instability sweep ${s.args.join(" ")}`);
    await runCli(["sweep", ...s.args], log);
  }
  const description = `Fine-tuned runs (${o.glueDir ? `GLUE ${GLUE_TASKS.join(", ")}` : "embedded tasks"}, preset ${preset}) in ${store}.`;
  log(description);
  return { store, source: "fine-tuned", description };
}

/** Runs `instability ARGS` in a child process, streaming its output lines; rejects on failure. */
function runCli(args: string[], log: (line: string) => void): Promise<void> {
  const main = path.join(__dirname, "..", "cli", "main.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    const lines = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      tail = (tail + text).slice(-4000);
      for (const line of text.split(/\r?\n|\r/)) if (line.trim()) log(line);
    };
    child.stdout.on("data", lines);
    child.stderr.on("data", lines);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`instability ${args[0]} failed (${signal ?? `exit ${code}`}); finished runs are kept, re-run the cell to resume.\n${tail}`));
    });
  });
}
