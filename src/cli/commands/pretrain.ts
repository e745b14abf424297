// `instability pretrain`: masked-language-model (and optionally next-sentence) pre-training of a small BERT on the project's
// corpus (src/data/pretrainingCorpus.ts), resumable from DIR/checkpoint.
import * as fs from "node:fs";
import * as path from "node:path";
import { CliError, parseCliArgs } from "../command";
import { makeDirs } from "../../util/makeDirs";
import { applyThreadsFlag, THREADS_USAGE } from "../threadsFlag";

const USAGE = `usage: instability pretrain --out DIR [options]

Pre-trains a BERT encoder with the masked-language-model objective (15% of tokens; 80% [MASK],
10% random, 10% kept), and with --next-sentence also BERT's next-sentence objective, on the
project's corpus (State of the Union training addresses, Moby-Dick, ham e-mails), after
training a lower-cased WordPiece vocabulary on it. 2% of the documents
(chosen by a hash of their text) are held out for evaluation.

Rerunning the same command continues from DIR/checkpoint exactly where it stopped; Ctrl-C (or
SIGTERM) finishes the current update and writes a checkpoint first.

  --out DIR                      run folder: tokenizer/, checkpoint/, log.jsonl, model/ when finished
  --layers N (4) --hidden N (128) --heads N (4) --ffn N (512) --max-length N (128)
  --vocab-size N (8192)          WordPiece vocabulary size (at most)
  --batch N (32)                 sequences per update
  --lr X (1e-3)                  peak learning rate (AdamW, β2 = --beta2, ε = 1e-6)
  --warmup N                     linear warm-up updates (default 6% of --max-steps), then linear decay to 0
  --max-steps N (3000)           length of the learning-rate schedule, in updates
  --max-minutes M                stop after M minutes of this session, with a checkpoint (rerun to continue)
  --seed N (0)                   initialisation, data order, masking
  --weight-decay X (0.01) --max-grad-norm X (1.0) --beta2 X (0.98)
  --dropout X (0)                dropout while pre-training (config.json keeps 0.1 for fine-tuning)
  --eval-every N (100)           held-out evaluation every N updates
  --eval-sequences N (512)       held-out sequences per evaluation
  --checkpoint-every-minutes M (5)
  --init-from DIR                continued pre-training: start from DIR's weights and tokenizer (a
                                 pre-training checkpoint or model folder) with a fresh optimizer and schedule
  --next-sentence                also BERT's next-sentence objective: train on pairs [CLS] A [SEP] B [SEP]
                                 where B follows A in the corpus half the time, else comes from anywhere
                                 or (half of those) 10-60 pieces away (trains segment B, the pooler and
                                 cls.seq_relationship)
${THREADS_USAGE}`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`--${name} must be a positive integer, got '${value}'`);
  return n;
}

function nonNegativeInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--${name} must be an integer ≥ 0, got '${value}'`);
  return n;
}

function number(name: string, value: string | undefined, fallback: number, check: (x: number) => boolean, what: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || !check(n)) throw new CliError(`--${name} must be ${what}, got '${value}'`);
  return n;
}

function checkWritable(dir: string): void {
  try {
    makeDirs(dir);
    fs.accessSync(dir, fs.constants.W_OK);
    const probe = path.join(dir, `.write-test-${process.pid}`);
    fs.writeFileSync(probe, "");
    fs.rmSync(probe);
  } catch (err) {
    throw new CliError(`--out ${dir}: cannot write there (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); choose a writable folder`);
  }
}

const OPTIONS = {
  out: { type: "string" },
  layers: { type: "string" },
  hidden: { type: "string" },
  heads: { type: "string" },
  ffn: { type: "string" },
  "max-length": { type: "string" },
  "vocab-size": { type: "string" },
  batch: { type: "string" },
  lr: { type: "string" },
  warmup: { type: "string" },
  "max-steps": { type: "string" },
  "max-minutes": { type: "string" },
  seed: { type: "string" },
  "weight-decay": { type: "string" },
  "max-grad-norm": { type: "string" },
  beta2: { type: "string" },
  dropout: { type: "string" },
  "eval-every": { type: "string" },
  "eval-sequences": { type: "string" },
  "checkpoint-every-minutes": { type: "string" },
  "init-from": { type: "string" },
  "next-sentence": { type: "boolean", default: false },
  threads: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

type Values = ReturnType<typeof parseCliArgs<{ args: string[]; options: typeof OPTIONS }>>["values"];

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCliArgs("pretrain", { args: argv, options: OPTIONS });
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  applyThreadsFlag(values.threads);
  if (!values.out) throw new CliError("--out DIR is required: the folder for the tokenizer, checkpoints and log");
  const settings = runSettings(values);
  const session = sessionSettings(values);
  const initFrom = values["init-from"] === undefined ? undefined : path.resolve(values["init-from"]);
  if (initFrom && !fs.existsSync(path.join(initFrom, "model.safetensors"))) {
    throw new CliError(`--init-from ${initFrom}: no model.safetensors there; give a pre-training checkpoint or model folder`);
  }
  const outDir = path.resolve(values.out);
  checkWritable(outDir);

  const { pretrainingCorpus } = await import("../../data/pretrainingCorpus");
  const { pretrain } = await import("../../train/pretrain/loop");
  return withStopSignals(async (signal) => {
    const result = await pretrain({
      ...settings,
      ...(initFrom ? { initFrom } : {}),
      ...(values["next-sentence"] ? { nextSentence: true } : {}),
      outDir,
      documents: pretrainingCorpus(),
      ...session,
      signal,
    });
    process.stdout.write(JSON.stringify({ ...result, lastEval: result.lastEval }) + "\n");
    return result.finished || !signal.aborted ? 0 : 130;
  });
}

/** The settings that define the run (a resume must repeat them), checked. */
function runSettings(values: Values) {
  const maxSteps = positiveInt("max-steps", values["max-steps"], 3000);
  const settings = {
    layers: positiveInt("layers", values.layers, 4),
    hidden: positiveInt("hidden", values.hidden, 128),
    heads: positiveInt("heads", values.heads, 4),
    ffn: positiveInt("ffn", values.ffn, 512),
    maxLength: positiveInt("max-length", values["max-length"], 128),
    vocabSize: positiveInt("vocab-size", values["vocab-size"], 8192),
    batchSize: positiveInt("batch", values.batch, 32),
    lr: number("lr", values.lr, 1e-3, (x) => x > 0, "a number > 0"),
    warmupSteps: nonNegativeInt("warmup", values.warmup, Math.ceil(0.06 * maxSteps)),
    maxSteps,
    seed: nonNegativeInt("seed", values.seed, 0),
    weightDecay: number("weight-decay", values["weight-decay"], 0.01, (x) => x >= 0, "a number ≥ 0"),
    maxGradNorm: number("max-grad-norm", values["max-grad-norm"], 1.0, (x) => x > 0, "a number > 0"),
    beta2: number("beta2", values.beta2, 0.98, (x) => x >= 0 && x < 1, "a number in [0, 1)"),
    dropout: number("dropout", values.dropout, 0, (x) => x >= 0 && x < 1, "a number in [0, 1)"),
  };
  if (settings.hidden % settings.heads !== 0) throw new CliError(`--hidden ${settings.hidden} must be a multiple of --heads ${settings.heads}`);
  if (settings.maxLength < 8) throw new CliError(`--max-length must be at least 8, got ${settings.maxLength}`);
  if (settings.vocabSize < 256) throw new CliError(`--vocab-size must be at least 256 (special tokens + alphabet), got ${settings.vocabSize}`);
  if (settings.warmupSteps > maxSteps) throw new CliError(`--warmup ${settings.warmupSteps} is longer than --max-steps ${maxSteps}`);
  return settings;
}

/** How this session runs: when it stops, evaluates and checkpoints. */
function sessionSettings(values: Values) {
  return {
    maxMinutes: values["max-minutes"] === undefined ? undefined : number("max-minutes", values["max-minutes"], 0, (x) => x > 0, "a number of minutes > 0"),
    evalEvery: positiveInt("eval-every", values["eval-every"], 100),
    evalSequences: positiveInt("eval-sequences", values["eval-sequences"], 512),
    checkpointEveryMinutes: number("checkpoint-every-minutes", values["checkpoint-every-minutes"], 5, (x) => x > 0, "a number of minutes > 0"),
  };
}

/**
 * Runs `train` with an abort signal that SIGINT/SIGTERM raise (the run finishes its update and
 * writes a checkpoint; a second signal quits at once); bad state on disk becomes a one-line error.
 */
async function withStopSignals(train: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (++signals > 1) process.exit(130);
    process.stderr.write(`\n[pretrain] ${sig}: finishing the current update and writing a checkpoint (again to quit at once)\n`);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await train(controller.signal);
  } catch (err) {
    if (err instanceof CliError) throw err;
    const msg = (err as Error).message;
    // Bad state on disk (another run's checkpoint, a corrupt file) is a user-facing error.
    if (/was written with|trainer state|diverged|safetensors|config\.json|tokenizer|--init-from/.test(msg)) throw new CliError(msg);
    throw err;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
