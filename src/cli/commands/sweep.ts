// `instability sweep`: fine-tune a grid of runs into a run store, N worker processes at a time,
// resuming whatever is missing; or print the commands / a Slurm array script for a cluster.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_MODEL_NAME, defaultModelDir } from "../../model/defaultModel";
import { asCliError, CliError, parseCliArgs } from "../command";
import { taskNames } from "../../data/loadTask";
import { MITIGATIONS } from "../../train/mitigation/defaults";
import { EMBEDDED_TASK_NAMES } from "../../data/embeddedTasks";
import { expandGrid, parseSeeds, type RunSpec } from "../../train/sweep/grid";
import { runSweep, type RunCommand } from "../../train/sweep/pool";
import { commandLine, slurmArrayScript } from "../../train/sweep/commands";
import { type FinetuneArgs, finetuneCommand, finetuneOptions } from "../../train/sweep/finetuneCommand";
import { describeStale, staleRuns } from "../../train/sweep/identityCheck";
import { missingRuns } from "../../train/sweep/store";
import { parseThreads } from "../../model/threads";

const USAGE = `usage: instability sweep --store DIR [options]

Fine-tunes every (task, mitigation, learning rate, seed) of a grid into DIR/<model>/<task>/<method>-lr<lr>/seed-NN.
Finished runs are kept; rerunning the same command completes only what is missing. A finished run
made with other settings (epochs, checkpoint, data, …: its config.json) is an error, not "done".

  --store DIR              the run store (created if needed)
  --tasks LIST             comma-separated task names (default: ${EMBEDDED_TASK_NAMES.join(",")})
  --mitigations LIST       none,mixout,llrd,reinit,wd_pre (default: none)
  --lrs LIST               learning rates (default: 2e-5)
  --seeds LIST             seeds, e.g. 0-19 or 0,3,7 (default: 0-4)
  --workers N              worker processes (default: number of cores)
  --threads N              kernel threads of each run (default: cores / workers, at least 1)
  --model DIR              checkpoint (default: the embedded model)
  --model-name NAME        folder name for the model in the store (default: the checkpoint's folder name)
  --glue-dir DIR           GLUE data (or set GLUE_DIR)
  --epochs E  --batch B  --max-train-examples K  --max-length N  --failed-rule RULE  --save-final
  --reinit-layers K  --mixout-p P  --llrd-eta E  --wd-pre-lambda L
                           passed to every \`instability finetune\`
  --overwrite              re-run finished runs that were made with other settings (default: refuse)
  --print-commands         print one shell command per missing run instead of running
  --slurm FILE             write a Slurm job-array script (and FILE.commands) for the missing runs`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCliArgs("sweep", {
    args: argv,
    options: {
      store: { type: "string" }, tasks: { type: "string" }, mitigations: { type: "string" },
      lrs: { type: "string" }, seeds: { type: "string" }, workers: { type: "string" }, threads: { type: "string" },
      model: { type: "string" }, "model-name": { type: "string" }, "glue-dir": { type: "string" },
      epochs: { type: "string" }, batch: { type: "string" }, "max-train-examples": { type: "string" },
      "max-length": { type: "string" }, "failed-rule": { type: "string" }, "reinit-layers": { type: "string" }, "mixout-p": { type: "string" }, "llrd-eta": { type: "string" }, "wd-pre-lambda": { type: "string" },
      "save-final": { type: "boolean" }, "print-commands": { type: "boolean" }, slurm: { type: "string" }, overwrite: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  if (!values.store) throw new CliError("--store DIR is required: the folder that holds the runs");

  const list = (text: string | undefined, fallback: string[]) => (text ? text.split(",").map((s) => s.trim()).filter(Boolean) : fallback);
  const learningRates = list(values.lrs, ["2e-5"]).map((s) => {
    const lr = Number(s);
    if (!(lr > 0)) throw new CliError(`--lrs: '${s}' is not a positive number`);
    return lr;
  });
  const seeds = asCliError(() => parseSeeds(values.seeds ?? "0-4"), "--seeds: ");
  const workers = values.workers === undefined ? os.cpus().length : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1) throw new CliError(`--workers must be a positive integer, got '${values.workers}'`);
  const modelName = values["model-name"] ?? (values.model ? path.basename(path.resolve(values.model)) : DEFAULT_MODEL_NAME);
  const tasks = list(values.tasks, [...EMBEDDED_TASK_NAMES]);
  const mitigations = list(values.mitigations, ["none"]);
  for (const t of tasks) if (!taskNames().includes(t)) throw new CliError(`--tasks: unknown task '${t}'; valid tasks: ${taskNames().join(", ")}`);
  for (const m of mitigations) {
    if (!(MITIGATIONS as readonly string[]).includes(m)) throw new CliError(`--mitigations: unknown method '${m}'; valid methods: ${MITIGATIONS.join(", ")}`);
  }
  const runs = asCliError(() => expandGrid({ model: modelName, tasks, mitigations, learningRates, seeds }));

  const args: FinetuneArgs = {
    model: values.model, glueDir: values["glue-dir"], epochs: values.epochs, batch: values.batch,
    maxTrainExamples: values["max-train-examples"], maxLength: values["max-length"],
    reinitLayers: values["reinit-layers"], mixoutP: values["mixout-p"], llrdEta: values["llrd-eta"], wdPreLambda: values["wd-pre-lambda"], failedRule: values["failed-rule"], saveFinal: values["save-final"],
  };
  const store = path.resolve(values.store);
  // Finished runs made with other settings are neither counted as done nor mixed with new ones.
  const stale = asCliError(() => staleRuns(store, runs, (r, runDir) => finetuneOptions(r, runDir, args, defaultModelDir())));
  const strangers = stale.filter((s) => !s.inGrid);
  if (strangers.length) {
    throw new CliError(`${describeStale(store, strangers)}; they are not part of this sweep: move them out of its configuration folders, or use another --store`);
  }
  if (stale.length && !values.overwrite) {
    throw new CliError(`${describeStale(store, stale)}; rerun with the settings they were made with, pass --overwrite to re-run them, or use another --store`);
  }
  const redo = new Set(stale.map((s) => s.relativeDir));
  const commandFor = (r: RunSpec, runDir: string): RunCommand => finetuneCommand(r, runDir, { ...args, overwrite: redo.has(r.relativeDir) });

  if (values["print-commands"] || values.slurm) {
    const todo = [...missingRuns(store, runs), ...runs.filter((r) => redo.has(r.relativeDir))];
    const lines = todo.map((r) => commandLine(commandFor(r, path.join(store, r.relativeDir))));
    if (values["print-commands"]) {
      process.stdout.write(lines.map((l) => l + "\n").join(""));
      return 0;
    }
    const script = path.resolve(values.slurm!);
    const commandsFile = `${script}.commands`;
    const text = asCliError(() => slurmArrayScript({ jobName: "instability-sweep", commandsFile, count: lines.length }));
    try {
      fs.writeFileSync(commandsFile, lines.map((l) => l + "\n").join(""));
      fs.writeFileSync(script, text, { mode: 0o755 });
    } catch (err) {
      throw new CliError(`--slurm ${script}: cannot be written (${(err as Error).message}); give a path in an existing, writable folder`);
    }
    process.stdout.write(`wrote ${script} (${lines.length} array tasks) and ${commandsFile}; submit with: sbatch ${script}\n`);
    return 0;
  }

  const threads = values.threads === undefined ? undefined : asCliError(() => parseThreads(values.threads!, "--threads"));
  const result = await asCliError(() => runSweep({ store, runs, workers, commandFor, redo, threads }));
  const done = result.alreadyDone + result.completed.length;
  process.stderr.write(`sweep: ${done}/${runs.length} runs complete in ${store}, ${result.completed.length} trained now (${result.alreadyDone} were already there)\n`);
  if (result.busy.length) {
    process.stderr.write(`sweep: ${result.busy.length} run(s) are being trained by another sweep (${result.busy[0].heldBy}, …); rerun this command once it has finished to check\n`);
  }
  for (const f of result.failed) {
    process.stderr.write(`  failed: ${f.run.relativeDir} (exit ${f.exitCode ?? f.signal}); log: ${f.log}\n`);
  }
  if (result.interrupted) {
    process.stderr.write("sweep: interrupted; finished runs are kept, rerun the same command to complete the rest\n");
    return 130;
  }
  return result.failed.length ? 1 : 0;
}

