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
  /**
   * The run store for fine-tuned runs (default: out/reproduce/runs in this checkout, the store of
   * `instability reproduce`, shared by all notebooks); synthetic runs go to runs/notebooks/synthetic.
   */
  store?: string;
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
 * The grid of each preset: the same as `instability reproduce` (src/analysis/presets.ts on the
 * analysis branch; import it from there once that branch is merged), so that the notebooks and
 * `instability reproduce` fill and reuse one run store, out/reproduce/runs. "paper" is method.md §3.
 * "quick" checks the pipeline in about 10 minutes on 2 idle cores with the embedded model: one
 * task, 128 training examples × 2 epochs at 64 tokens, larger learning rates (a tiny model barely
 * moves in 16 steps at 2e-5); its numbers are not findings.
 */
interface PresetGrid {
  tasks: { embedded: string[]; glue: string[] };
  standard: { lr: number; seeds: string };
  methods: { lr: number; seeds: string };
  failed: { lr: { bert: number; roberta: number; default: number }; seeds: string };
  finetune: { epochs?: number; maxTrainExamples?: number; maxLength?: number };
}
const PRESETS: Record<Preset, PresetGrid> = {
  quick: {
    tasks: { embedded: ["sotu-party"], glue: ["rte"] },
    standard: { lr: 5e-4, seeds: "0-4" },
    methods: { lr: 5e-4, seeds: "0-2" },
    failed: { lr: { bert: 5e-3, roberta: 5e-3, default: 5e-3 }, seeds: "0-5" },
    finetune: { epochs: 2, maxTrainExamples: 128, maxLength: 64 },
  },
  paper: {
    tasks: { embedded: ["sotu-party", "sotu-pair"], glue: ["rte", "mrpc", "cola"] },
    standard: { lr: 2e-5, seeds: "0-19" },
    methods: { lr: 2e-5, seeds: "0-9" },
    failed: { lr: { bert: 5e-5, roberta: 3e-5, default: 5e-5 }, seeds: "0-19" },
    finetune: { epochs: 5 },
  },
};
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
    const store = o.store ?? path.join(checkoutRoot(), "runs", "notebooks", "synthetic");
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
  const store = o.store ?? path.join(checkoutRoot(), "out", "reproduce", "runs");
  const tasks = o.glueDir ? p.tasks.glue : p.tasks.embedded;
  const family = modelFamily(o.model);
  const common = [
    "--store", store, "--tasks", tasks.join(","),
    ...(o.glueDir ? ["--glue-dir", o.glueDir] : []),
    ...(o.model ? ["--model", o.model] : []),
    ...(p.finetune.epochs !== undefined ? ["--epochs", String(p.finetune.epochs)] : []),
    ...(p.finetune.maxTrainExamples !== undefined ? ["--max-train-examples", String(p.finetune.maxTrainExamples)] : []),
    ...(p.finetune.maxLength !== undefined ? ["--max-length", String(p.finetune.maxLength)] : []),
  ];
  const sweeps: { what: string; args: string[] }[] = [
    { what: "Standard runs", args: [...common, "--mitigations", "none", "--lrs", String(p.standard.lr), "--seeds", p.standard.seeds] },
  ];
  if (o.methods === "all") {
    sweeps.push({ what: "mitigation methods", args: [...common, "--mitigations", MITIGATIONS.join(","), "--lrs", String(p.methods.lr), "--seeds", p.methods.seeds] });
  }
  if (o.failedRuns) {
    const lr = p.failed.lr[family ?? "default"];
    sweeps.push({ what: "failed-run sweep", args: [...common, "--mitigations", "none", "--lrs", String(lr), "--seeds", p.failed.seeds, "--save-final"] });
  }
  for (const s of sweeps) {
    log(`sweep (${s.what}): instability sweep ${s.args.join(" ")}`);
    await runCli(["sweep", ...s.args], log);
  }
  const description = `Fine-tuned runs (${tasks.join(", ")}${o.glueDir ? " from GLUE" : ", embedded"}; preset ${preset}) in ${store}.`;
  log(description);
  return { store, source: "fine-tuned", description };
}

/** "bert" or "roberta" from a checkpoint's config.json model_type (the embedded model is a BERT). */
function modelFamily(model?: string): "bert" | "roberta" | undefined {
  if (!model) return "bert";
  try {
    const type = JSON.parse(fs.readFileSync(path.join(model, "config.json"), "utf8")).model_type;
    return type === "bert" || type === "roberta" ? type : undefined;
  } catch {
    return undefined;
  }
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
