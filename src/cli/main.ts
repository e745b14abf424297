#!/usr/bin/env node
// The `instability` command: a thin dispatcher. Each sub-command lives in its own file under
// src/cli/commands/ and is loaded only when called, so `instability measure` never pays for
// loading tfjs.
import * as path from "node:path";
import { CliError, type Command } from "./command";
import { terminalText } from "../util/displayText";
import { userFailureMessage } from "./failureMessage";

const COMMANDS: Record<string, { file: string; summary: string }> = {
  measure: { file: "measure", summary: "measure the instability of a directory of runs" },
  data: { file: "data", summary: "GLUE and embedded tasks: info, download" },
  models: { file: "models", summary: "checkpoints: pull from the Hugging Face Hub, or a random-init control" },
  bench: { file: "bench", summary: "time a training step of a model shape" },
  pretrain: { file: "pretrain", summary: "masked-language-model pre-training of the embedded model" },
  finetune: { file: "finetune", summary: "fine-tune one run (task, seed, mitigation) into a run folder" },
  sweep: { file: "sweep", summary: "fine-tune a grid of runs into a run store, in parallel, resumably" },
  reproduce: { file: "reproduce", summary: "the main job: sweeps, every analysis, and report.html" },
  examples: { file: "examples", summary: "per-example instability: which test examples the runs disagree on" },
  compare: { file: "compare", summary: "is run set A more stable than B? differences with multibootstrap CIs and p" },
  seeds: { file: "seeds", summary: "how many seeds: CI half-width against seeds, seeds for a target or to tell two run sets apart" },
  status: { file: "status", summary: "where the runs of a store stand: finished, running, failed, missing" },
  "sweep-task": { file: "sweep-task", summary: "one array task of a sweep submitted to Slurm (its job script runs it)" },
};

function usage(): string {
  const lines = ["usage: instability <command> [options]", "", "commands:"];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push("", "Run `instability <command> --help` for a command's options.");
  return lines.join("\n");
}

function loadCommand(name: string): Command {
  const entry = COMMANDS[name];
  const file = path.join(__dirname, "commands", `${entry.file}.js`);
  try {
    return require(file) as Command;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" && String(err).includes(file)) {
      throw new CliError(`the '${name}' command is not part of this build yet`);
    }
    throw err;
  }
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage() + "\n");
    return name ? 0 : 2;
  }
  if (!(name in COMMANDS)) {
    process.stderr.write(`instability: unknown command '${terminalText(name)}'\n\n${usage()}\n`);
    return 2;
  }
  try {
    return await loadCommand(name).run(rest);
  } catch (err) {
    if (err instanceof CliError) {
      // Messages name files and folders: their control characters are shown, not obeyed.
      process.stderr.write(`instability ${name}: ${terminalText(err.message)}\n`);
      return err.exitCode;
    }
    const line = userFailureMessage(err);
    if (line === undefined) throw err;
    process.stderr.write(`instability ${name}: ${terminalText(line)}\n`);
    return 1;
  }
}

/** stdout closed or full (`measure --json > /dev/full`, `| head`): one line, not an unhandled 'error' event. */
function handleStdoutErrors(): void {
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0); // the reader has all it wanted
    process.stderr.write(`instability: cannot write the output (${err.code ?? err.message}); write it to a disk with free space\n`);
    process.exit(1);
  });
}

if (require.main === module) {
  handleStdoutErrors();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`instability: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
