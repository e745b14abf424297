// `instability finetune`: one run (task, seed, mitigation) into a run folder, by the paper's protocol.
// Its settings come as flags (users) or as one run spec, --spec (a sweep's workers: train/finetune/runSpec.ts).
import * as fs from "node:fs";
import * as path from "node:path";
import { defaultModelDir } from "../../model/defaultModel";
import { asCliError, CliError, parseCliArgs } from "../command";
import { notReplaceableReason } from "../../runs/runDefinition";
import { exitWithParent } from "../../train/sweep/parentWatch";
import { taskNames } from "../../data/loadTask";
import { checkFineTuneOptions, FINETUNE_DEFAULTS, FineTuneOptionError, type FineTuneOptions } from "../../train/finetune/config";
import { formatFailedRule, DEFAULT_FAILED_RULE } from "../../train/finetune/failedRun";
import { readSpec, specOptions } from "../../train/finetune/runSpec";
import { flaggedHyperParameters } from "../../train/mitigation/registry";
import { applyThreadsFlag, THREADS_USAGE } from "../threadsFlag";
import { flagOf, hyperParameterFlags, hyperParameterOptions, hyperParameterUsageText, methodList, methodUsageLines } from "../fineTuneFlags";

/** The usage text; the method list and its flags come from the method registry. */
function usage(): string {
  return `usage: instability finetune --task NAME --seed N --out RUN_DIR [options]
       instability finetune --spec SPEC --out RUN_DIR [--overwrite] [--threads N] [--quiet]

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
  --mitigation M         ${methodList("|")} (default none):
${methodUsageLines(27)}
${hyperParameterUsageText(25)}
  --max-train-examples K use the first K training examples only
  --max-length N         truncation length in tokens (default ${FINETUNE_DEFAULTS.maxLength})
  --save-final           also write the final (last-step) model's outputs into RUN_DIR/final/
  --failed-rule RULE     CHECKPOINT:MEASURE<=BASELINE (default ${formatFailedRule(DEFAULT_FAILED_RULE)})
  --overwrite            replace the run in RUN_DIR (only a run folder or an empty one is ever replaced)
  --spec SPEC            every setting at once: a run spec (its JSON, or a file holding it), as
                         \`instability sweep\` hands it to its workers and config.json records it
${THREADS_USAGE}
  --quiet                no progress output`;
}

/** Flags that say what to run; --spec says it all, so it takes none of them. */
const SETTING_FLAGS = ["task", "seed", "model", "glue-dir", "epochs", "lr", "batch", "mitigation", "max-train-examples", "max-length", "save-final", "failed-rule"];

type Values = Record<string, string | boolean | undefined>;

function integer(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) throw new CliError(`--${name}: '${text}' is not an integer ≥ ${min}`);
  return v;
}

export async function run(argv: string[]): Promise<number> {
  const { values: parsed } = parseCliArgs("finetune", {
    args: argv,
    options: {
      task: { type: "string" }, seed: { type: "string" }, out: { type: "string" }, model: { type: "string" },
      "glue-dir": { type: "string" }, epochs: { type: "string" }, lr: { type: "string" }, batch: { type: "string" },
      mitigation: { type: "string" }, "max-train-examples": { type: "string" }, "max-length": { type: "string" },
      "save-final": { type: "boolean" }, "failed-rule": { type: "string" }, overwrite: { type: "boolean" }, spec: { type: "string" },
      ...hyperParameterOptions(),
      quiet: { type: "boolean" }, threads: { type: "string" }, help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  const values = parsed as Values;
  exitWithParent(); // a sweep's worker stops when its sweep is gone
  if (values.help) {
    process.stdout.write(usage() + "\n");
    return 0;
  }
  applyThreadsFlag(values.threads as string | undefined);
  const options = values.spec === undefined ? flagOptions(values) : specFlagOptions(values);
  const out = options.out;
  if (values.overwrite && fs.existsSync(out)) {
    const refusal = notReplaceableReason(out);
    if (refusal) throw new CliError(`--out ${out}: --overwrite replaces only a run folder, and ${refusal}; nothing was removed, choose another --out`);
  }
  options.overwrite = values.overwrite === true;
  options.progress = values.quiet ? false : { stream: process.stderr };
  // The library checks the options (without tfjs); its errors get the flag's name.
  try {
    checkFineTuneOptions(options);
  } catch (err) {
    if (err instanceof FineTuneOptionError) throw new CliError(`${values.spec === undefined ? flagOf(err.option) : "--spec"}: ${err.message}`);
    throw err;
  }

  // tfjs is loaded only now, so --help and input errors stay fast.
  const { fineTune } = await import("../../train/finetune/fineTune");
  try {
    const result = await fineTune(options);
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

/** The run's settings from the flags (the user's interface). */
function flagOptions(values: Values): FineTuneOptions & { task: string; out: string } {
  const text = (name: string) => values[name] as string | undefined;
  if (!values.task) throw new CliError(`--task NAME is required (valid tasks: ${taskNames().join(", ")})`);
  if (values.seed === undefined) throw new CliError("--seed N is required");
  if (!values.out) throw new CliError("--out RUN_DIR is required: the run folder to write");
  let lr: number | undefined;
  if (values.lr !== undefined) {
    lr = Number(values.lr);
    if (!(lr > 0) || !Number.isFinite(lr)) throw new CliError(`--lr: '${values.lr}' is not a positive number`);
  }
  return {
    task: text("task")!,
    seed: integer("seed", text("seed"), 0)!,
    out: path.resolve(text("out")!),
    modelDir: text("model") ?? defaultModelDir(),
    glueDir: text("glue-dir"),
    epochs: integer("epochs", text("epochs"), 1),
    lr,
    batchSize: integer("batch", text("batch"), 1),
    mitigation: text("mitigation") ?? "none",
    mitigationHyperParameters: hyperParameterFlags(values),
    maxTrainExamples: integer("max-train-examples", text("max-train-examples"), 1),
    maxLength: integer("max-length", text("max-length"), 3),
    saveFinal: values["save-final"] === true,
    failedRule: text("failed-rule"),
  };
}

/** The run's settings from --spec (what a sweep's worker gets); only where to write comes from flags. */
function specFlagOptions(values: Values): FineTuneOptions & { task: string; out: string } {
  const given = [...SETTING_FLAGS, ...flaggedHyperParameters().map(({ hp }) => hp.flag.slice(2))].filter((f) => values[f] !== undefined);
  if (given.length) throw new CliError(`--spec gives every setting of the run; leave out --${given.join(", --")} (or leave out --spec and give the settings as flags)`);
  if (!values.out) throw new CliError("--out RUN_DIR is required: the run folder to write");
  const spec = asCliError(() => readSpec(values.spec as string));
  return specOptions(spec, path.resolve(values.out as string));
}
