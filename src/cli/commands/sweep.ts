// `instability sweep`: fine-tune a grid of runs into a run store, N worker processes at a time,
// resuming whatever is missing; or print the commands / a Slurm array script for a cluster.
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_MODEL_NAME, defaultModelDir } from "../../model/defaultModel";
import { asCliError, CliError, parseCliArgs } from "../command";
import { taskNames } from "../../data/loadTask";
import { MITIGATIONS } from "../../train/mitigation/defaults";
import { EMBEDDED_TASK_NAMES } from "../../data/embeddedTasks";
import { expandGrid, parseSeeds, type RunSpec } from "../../train/sweep/grid";
import { runSweep, type RunCommand } from "../../train/sweep/pool";
import type { SlurmResources } from "../../train/sweep/slurmScript";
import { commandLine } from "../../train/sweep/commands";
import { writeSlurmFiles } from "../../train/sweep/slurmSubmit";
import { submitSweep } from "../../train/sweep/submitSweep";
import { recordSweep } from "../../train/sweep/sweepManifest";
import { checkOneLine, SLURM_FLAGS, SLURM_USAGE, slurmResources, wantsSlurmSubmit } from "../slurmFlags";
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
  --slurm FILE             write a Slurm job-array script (and FILE.tasks.json) for the missing runs,
                           to submit by hand (sbatch FILE); logs go to slurm-logs/ beside FILE
${SLURM_USAGE}`;

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
      ...SLURM_FLAGS,
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

  const submit = wantsSlurmSubmit(values);
  const resources = slurmResources(values);
  const modes = [values["print-commands"] && "--print-commands", values.slurm !== undefined && "--slurm", submit && "--submit"].filter(Boolean);
  if (modes.length > 1) throw new CliError(`${modes.join(" and ")} cannot be combined: choose one`);
  if (modes.length) {
    // Each run becomes one line of a command file or script: no path may split it.
    checkOneLine({ "--store": store, "--model": values.model && path.resolve(values.model), "--glue-dir": values["glue-dir"] && path.resolve(values["glue-dir"]), "--failed-rule": values["failed-rule"], "--slurm": values.slurm && path.resolve(values.slurm) });
  }
  if (submit) return submitGrid(store, runs, commandFor, redo, resources);
  if (values["print-commands"] || values.slurm !== undefined) {
    const todo = [...missingRuns(store, runs).filter((r) => !redo.has(r.relativeDir)), ...runs.filter((r) => redo.has(r.relativeDir))];
    if (values["print-commands"]) {
      const lines = asCliError(() => todo.map((r) => commandLine(commandFor(r, path.join(store, r.relativeDir)))));
      process.stdout.write(lines.map((l) => l + "\n").join(""));
      return 0;
    }
    return writeScript(path.resolve(values.slurm!), store, runs, todo, commandFor, redo, resources);
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


type CommandFor = (r: RunSpec, runDir: string) => RunCommand;

function writeScript(script: string, store: string, runs: RunSpec[], todo: RunSpec[], commandFor: CommandFor, redo: ReadonlySet<string>, resources: SlurmResources): number {
  if (todo.length === 0) {
    process.stdout.write(`nothing to write: all ${runs.length} runs of this grid are finished in ${store}\n`);
    return 0;
  }
  const tasks = todo.map((run) => ({ run, command: commandFor(run, path.join(store, run.relativeDir)), ...(redo.has(run.relativeDir) ? { redo: true } : {}) }));
  const logDir = path.join(path.dirname(script), "slurm-logs");
  const files = asCliError(() => {
    try {
      return writeSlurmFiles(script, store, tasks, logDir, resources);
    } catch (err) {
      const message = (err as Error).message;
      if ((err as NodeJS.ErrnoException).code === undefined) throw err; // a name the script cannot carry: already one line
      throw new CliError(`--slurm ${script}: cannot be written (${message}); give a path in an existing, writable folder`);
    }
  });
  asCliError(() => recordSweep(store, runs), `--store ${store}: `);
  const split = tasks.length > 1001 ? `; clusters allow at most MaxArraySize tasks per array (often 1001): split with \`sbatch --array=0-999 ${script} 0\`, \`sbatch --array=0-999 ${script} 1000\`, …` : "";
  process.stdout.write(`wrote ${script} (${tasks.length} array tasks) and ${files.tasksFile}; logs go to ${files.logDir}; submit with: sbatch ${script}${split}\n`);
  return 0;
}

function submitGrid(store: string, runs: RunSpec[], commandFor: CommandFor, redo: ReadonlySet<string>, resources: SlurmResources): number {
  const r = asCliError(() => submitSweep({ store, runs, commandFor, redo, ...resources }));
  const follow = `follow with: instability status --store ${store}`;
  const busy = r.running.length ? `${r.running.length} being trained now (${r.running[0].heldBy}${r.running.length > 1 ? ", …" : ""})` : "";
  if (!r.submission) {
    process.stdout.write(busy ? `nothing to submit: ${r.finished} of ${runs.length} runs are finished and ${busy}; ${follow}\n` : `nothing to submit: all ${runs.length} runs of this grid are finished in ${store}\n`);
    return 0;
  }
  const jobs = r.submission.jobs.map((j) => j.id);
  const skipped = [r.finished ? `${r.finished} finished` : "", busy].filter(Boolean).join(", ");
    const retried = r.retried ? `; ${r.retried} of them failed or were stopped before: if they fail again, \`instability status --store ${store}\` shows why` : "";
  process.stdout.write(
    `submitted ${r.submitted.length} run(s) to Slurm as job ${jobs.join(", ")}${skipped ? ` (not submitted: ${skipped})` : ""}${retried}\n` +
      `logs: ${r.submission.logDir}\n${follow}   (or: squeue -j ${jobs.join(",")})\n`,
  );
  return 0;
}
