// `instability finetune`: one run (task, seed, mitigation) into a run folder, by the paper's protocol.
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultModelDir } from "../../model/defaultModel";
import { CliError, parseCliArgs } from "../command";
import { notReplaceableReason } from "../../runs/runDefinition";
import { exitWithParent } from "../../train/sweep/parentWatch";
import { taskNames } from "../../data/loadTask";
import { MITIGATIONS, type MitigationHyperParameters } from "../../train/mitigation/defaults";
import { checkFineTuneOptions, FINETUNE_DEFAULTS, FineTuneOptionError, type FineTuneOptions } from "../../train/finetune/config";
import { formatFailedRule, DEFAULT_FAILED_RULE } from "../../train/finetune/failedRun";
import { applyThreadsFlag, THREADS_USAGE } from "../threadsFlag";

const USAGE = `usage: instability finetune --task NAME --seed N --out RUN_DIR [options]

Fine-tunes a checkpoint on a task with one seed (method.md §3: AdamW, warm-up 10% + linear decay,
dropout 0.1, clipping 1.0, best checkpoint by the validation metric) and writes the run folder
RUN_DIR: logits.npy, labels.npy, hidden.npy (test half), metrics.json, config.json.
A RUN_DIR that already holds this very run (same settings, checkpoint and data: its config.json)
is skipped (exit 0); one made with other settings is an error unless --overwrite is given.

  --task NAME            ${taskNames().join(", ")}
  --seed N               the run's seed (head init, re-init, dropout and Mixout masks, data order)
  --out RUN_DIR          the run folder to write
  --model DIR            Hugging Face checkpoint folder with tokenizer files (default: the embedded model)
  --glue-dir DIR         GLUE data in the GLUE layout (or set GLUE_DIR)
  --epochs E             default ${FINETUNE_DEFAULTS.epochs}
  --lr X                 default ${FINETUNE_DEFAULTS.lr}
  --batch B              default ${FINETUNE_DEFAULTS.batchSize}
  --mitigation M         ${MITIGATIONS.join("|")} (default none)
  --reinit-layers K      re-init: how many top blocks (default 5 of 24, the paper's; the same share of smaller models, at least 1)
  --mixout-p P           mixout: mix probability (default 0.1, the paper's)
  --llrd-eta E           llrd: per-block learning-rate decay (default 0.95, the paper's)
  --wd-pre-lambda L      wd_pre: strength of the decay toward the pre-trained weights (default 0.01, the paper's)
  --max-train-examples K use the first K training examples only
  --max-length N         truncation length in tokens (default ${FINETUNE_DEFAULTS.maxLength})
  --save-final           also write the final (last-step) model's outputs into RUN_DIR/final/
  --failed-rule RULE     CHECKPOINT:MEASURE<=BASELINE (default ${formatFailedRule(DEFAULT_FAILED_RULE)})
  --overwrite            replace the run in RUN_DIR (only a run folder or an empty one is ever replaced)
${THREADS_USAGE}
  --quiet                no progress output`;

/** The flag of each option the library checks (checkFineTuneOptions), for its errors. */
const FLAG_OF: Partial<Record<keyof FineTuneOptions, string>> = {
  seed: "--seed", lr: "--lr", epochs: "--epochs", batchSize: "--batch", mitigation: "--mitigation", failedRule: "--failed-rule",
  maxTrainExamples: "--max-train-examples", maxLength: "--max-length", mitigationHyperParameters: "--reinit-layers/--mixout-p/--llrd-eta/--wd-pre-lambda",
};

function integer(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) throw new CliError(`--${name}: '${text}' is not an integer ≥ ${min}`);
  return v;
}

/** --reinit-layers, --mixout-p, --llrd-eta, --wd-pre-lambda → the methods' hyper-parameters (unset ones keep the defaults). */
function mitigationFlags(values: Record<string, string | boolean | undefined>): Partial<MitigationHyperParameters> | undefined {
  const hp: Partial<MitigationHyperParameters> = {};
  if (values["reinit-layers"] !== undefined) hp.reinitLayers = integer("reinit-layers", values["reinit-layers"] as string, 0);
  const real = (flag: string, key: "mixoutP" | "llrdEta" | "wdPreLambda", max: number) => {
    const v = values[flag];
    if (v === undefined) return;
    const x = Number(v);
    if (!(x >= 0 && x <= max) || String(v).trim() === "") throw new CliError(`--${flag}: '${v}' is not a number in [0, ${max}]`);
    hp[key] = x;
  };
  real("mixout-p", "mixoutP", 0.99);
  real("llrd-eta", "llrdEta", 1);
  real("wd-pre-lambda", "wdPreLambda", 1e6);
  return Object.keys(hp).length ? hp : undefined;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCliArgs("finetune", {
    args: argv,
    options: {
      task: { type: "string" }, seed: { type: "string" }, out: { type: "string" }, model: { type: "string" },
      "glue-dir": { type: "string" }, epochs: { type: "string" }, lr: { type: "string" }, batch: { type: "string" },
      mitigation: { type: "string" }, "max-train-examples": { type: "string" }, "max-length": { type: "string" },
      "save-final": { type: "boolean" }, "failed-rule": { type: "string" }, overwrite: { type: "boolean" },
      "reinit-layers": { type: "string" }, "mixout-p": { type: "string" }, "llrd-eta": { type: "string" }, "wd-pre-lambda": { type: "string" },
      quiet: { type: "boolean" }, threads: { type: "string" }, help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  exitWithParent(); // a sweep's worker stops when its sweep is gone
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  applyThreadsFlag(values.threads);
  if (!values.task) throw new CliError(`--task NAME is required (valid tasks: ${taskNames().join(", ")})`);
  if (values.seed === undefined) throw new CliError("--seed N is required");
  if (!values.out) throw new CliError("--out RUN_DIR is required: the run folder to write");
  let lr: number | undefined;
  if (values.lr !== undefined) {
    lr = Number(values.lr);
    if (!(lr > 0) || !Number.isFinite(lr)) throw new CliError(`--lr: '${values.lr}' is not a positive number`);
  }
  const out = path.resolve(values.out);
  if (values.overwrite && fs.existsSync(out)) {
    const refusal = notReplaceableReason(out);
    if (refusal) throw new CliError(`--out ${out}: --overwrite replaces only a run folder, and ${refusal}; nothing was removed, choose another --out`);
  }
  const options: Omit<FineTuneOptions, "task"> = {
    seed: integer("seed", values.seed, 0)!,
    out,
    modelDir: values.model ?? defaultModelDir(),
    glueDir: values["glue-dir"],
    epochs: integer("epochs", values.epochs, 1),
    lr,
    batchSize: integer("batch", values.batch, 1),
    mitigation: values.mitigation ?? "none",
    mitigationHyperParameters: mitigationFlags(values),
    maxTrainExamples: integer("max-train-examples", values["max-train-examples"], 1),
    maxLength: integer("max-length", values["max-length"], 3),
    saveFinal: values["save-final"] ?? false,
    failedRule: values["failed-rule"],
    overwrite: values.overwrite ?? false,
    progress: values.quiet ? false : { stream: process.stderr },
  };
  // The library checks the options (without tfjs); its errors get the flag's name.
  try {
    checkFineTuneOptions(options);
  } catch (err) {
    if (err instanceof FineTuneOptionError) throw new CliError(`${FLAG_OF[err.option] ?? err.option}: ${err.message}`);
    throw err;
  }

  // tfjs is loaded only now, so --help and input errors stay fast.
  const { fineTune } = await import("../../train/finetune/fineTune");
  try {
    const result = await fineTune({ task: values.task, ...options });
    const m = result.metrics;
    if (result.status === "skipped") {
      process.stderr.write(`instability finetune: ${out} already holds this run (same settings); skipped (pass --overwrite to redo it)\n`);
      return 0;
    }
    const fmt = (v: unknown) => (typeof v === "number" ? v.toFixed(4) : String(v));
    process.stderr.write(
      `${result.out}: test ${String(m.metric)} ${fmt(m.testMetric)} (best epoch ${String(m.bestEpoch)}), ${String(m.failedLabel)}` +
        `${m.diverged ? `, diverged at step ${String(m.divergedStep)}` : ""}, ${fmt(m.wallSeconds)} s\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof CliError || process.env.INSTABILITY_DEBUG) throw err;
    // Input problems surface as plain Errors from the layers below; they name the input already.
    // (INSTABILITY_DEBUG=1 keeps the stack trace.)
    throw new CliError((err as Error).message);
  }
}
