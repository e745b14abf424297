// The `instability finetune` command line of one run of a sweep, for `instability reproduce` and
// meant to be shared with `instability sweep` (whose commandFor builds the same line), so that
// both write identical runs into the same store layout.
import * as path from "node:path";
import type { FineTuneOptions } from "../finetune/config";
import type { RunSpec } from "./grid";
import type { RunCommand } from "./pool";

/** Options passed through to every run; paths are made absolute (workers may run elsewhere). */
export interface FinetuneArgs {
  model?: string;
  glueDir?: string;
  epochs?: number | string;
  batch?: number | string;
  maxTrainExamples?: number | string;
  maxLength?: number | string;
  /** Re-init: how many top blocks (finetune's default is the paper's 5 of 24). */
  reinitLayers?: number | string;
  /** Mixout's p, LLRD's η, WD_pre's λ (finetune's defaults are the paper's); passed to their method only. */
  mixoutP?: number | string;
  llrdEta?: number | string;
  wdPreLambda?: number | string;
  /** e.g. "final:accuracy<=majority" (method.md §3.1). */
  failedRule?: string;
  /** Also write the final model's outputs into RUN_DIR/final (failed-run analysis). */
  saveFinal?: boolean;
  /** Replace a finished run made with other settings (finetune --overwrite). */
  overwrite?: boolean;
}

/** dist/src/cli/main.js, the CLI this code was built with. */
export function defaultCliPath(): string {
  return path.resolve(__dirname, "..", "..", "cli", "main.js");
}

/** The fine-tuning options the command line of `finetuneCommand` stands for (to plan a run in-process). */
export function finetuneOptions(run: RunSpec, runDir: string, args: FinetuneArgs, modelDir: string): FineTuneOptions {
  const num = (v: number | string | undefined) => (v === undefined ? undefined : Number(v));
  return {
    task: run.task, seed: run.seed, lr: run.learningRate, mitigation: run.mitigation, out: runDir,
    modelDir: args.model ?? modelDir, glueDir: args.glueDir,
    epochs: num(args.epochs), batchSize: num(args.batch), maxTrainExamples: num(args.maxTrainExamples), maxLength: num(args.maxLength),
    mitigationHyperParameters: methodHyperParameters(run, args),
    failedRule: args.failedRule, saveFinal: args.saveFinal ?? false,
  };
}

/** The hyper-parameters finetuneCommand passes to this run's method (each flag goes to its method only). */
function methodHyperParameters(run: RunSpec, args: FinetuneArgs): FineTuneOptions["mitigationHyperParameters"] {
  const hp: NonNullable<FineTuneOptions["mitigationHyperParameters"]> = {};
  if (args.reinitLayers !== undefined && run.mitigation === "reinit") hp.reinitLayers = Number(args.reinitLayers);
  if (args.mixoutP !== undefined && run.mitigation === "mixout") hp.mixoutP = Number(args.mixoutP);
  if (args.llrdEta !== undefined && run.mitigation === "llrd") hp.llrdEta = Number(args.llrdEta);
  if (args.wdPreLambda !== undefined && run.mitigation === "wd_pre") hp.wdPreLambda = Number(args.wdPreLambda);
  return Object.keys(hp).length ? hp : undefined;
}

export function finetuneCommand(run: RunSpec, runDir: string, args: FinetuneArgs = {}, cli = defaultCliPath()): RunCommand {
  const argv = [cli, "finetune", "--task", run.task, "--seed", String(run.seed), "--lr", String(run.learningRate), "--mitigation", run.mitigation, "--out", runDir];
  if (args.model !== undefined) argv.push("--model", path.resolve(args.model));
  if (args.glueDir !== undefined) argv.push("--glue-dir", path.resolve(args.glueDir));
  if (args.epochs !== undefined) argv.push("--epochs", String(args.epochs));
  if (args.batch !== undefined) argv.push("--batch", String(args.batch));
  if (args.maxTrainExamples !== undefined) argv.push("--max-train-examples", String(args.maxTrainExamples));
  if (args.maxLength !== undefined) argv.push("--max-length", String(args.maxLength));
  if (args.reinitLayers !== undefined && run.mitigation === "reinit") argv.push("--reinit-layers", String(args.reinitLayers));
  if (args.mixoutP !== undefined && run.mitigation === "mixout") argv.push("--mixout-p", String(args.mixoutP));
  if (args.llrdEta !== undefined && run.mitigation === "llrd") argv.push("--llrd-eta", String(args.llrdEta));
  if (args.wdPreLambda !== undefined && run.mitigation === "wd_pre") argv.push("--wd-pre-lambda", String(args.wdPreLambda));
  if (args.failedRule !== undefined) argv.push("--failed-rule", args.failedRule);
  if (args.saveFinal) argv.push("--save-final");
  if (args.overwrite) argv.push("--overwrite");
  return { command: process.execPath, args: argv };
}
