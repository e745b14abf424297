// `instability models pull NAME [--out DIR]`: download a BERT/RoBERTa checkpoint from the
// Hugging Face Hub (needs internet; the embedded model needs none).
// `instability models init-random --like DIR --out DIR [--seed N]`: the same architecture and
// tokenizer with fresh random weights — the control that shows what pre-training bought.
import * as fs from "node:fs";
import * as path from "node:path";
import { Progress } from "../../util/progress";
import { CliError, parseCliArgs } from "../command";
import { makeDirs } from "../../util/makeDirs";

const USAGE = `usage: instability models pull NAME [--out DIR] [--revision REV] [--endpoint URL]
       instability models init-random --like DIR --out DIR [--seed N]

pull         downloads config.json, model.safetensors and the tokenizer files of a Hugging Face
             model (e.g. bert-large-uncased, FacebookAI/roberta-large) into DIR (default:
             models/NAME). Needs internet access; nothing is left behind if the download fails.
             Every file is checked against the Hub's size and checksum; pulling again into a
             folder that already holds the files is a no-op. --endpoint (or HF_ENDPOINT) points
             at a mirror with the Hub's URL layout (default https://huggingface.co).
init-random  writes a checkpoint with --like's config and tokenizer but randomly initialised
             weights (BERT's N(0, 0.02) scheme, reproducible from --seed, default 0): fine-tune it
             beside the pre-trained one to see what pre-training is worth.`;

const HELP = { help: { type: "boolean", short: "h", default: false } } as const;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h") {
    process.stdout.write(USAGE + "\n");
    return sub ? 0 : 2;
  }
  if (sub === "pull") return pull(rest);
  if (sub === "init-random") return initRandom(rest);
  throw new CliError(`unknown models sub-command '${sub}'; use 'pull' or 'init-random'`);
}

async function pull(rest: string[]): Promise<number> {
  const parsed = parseCliArgs("models pull", { args: rest, allowPositionals: true, options: { out: { type: "string" }, revision: { type: "string" }, endpoint: { type: "string" }, ...HELP } });
  if (parsed.values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  if (parsed.positionals.length !== 1) throw new CliError("models pull needs exactly one model NAME (e.g. bert-base-uncased)");
  const name = parsed.positionals[0];
  const out = parsed.values.out ?? path.join("models", name);
  const { pullModel, HubError } = await import("../../model/hub");
  let progress: Progress | undefined;
  try {
    const { files, downloaded } = await pullModel(name, out, {
      revision: parsed.values.revision,
      hubUrl: parsed.values.endpoint,
      cleanUpOnSignal: true,
      onProgress: (file, _fileBytes, done, total) => {
        // Progress counts MiB so the shared bar's counts, rate and ETA read naturally.
        progress ??= new Progress({ label: name, total: Math.max(1, Math.round(total / 2 ** 20)), unit: "MiB" });
        progress.update(Math.round(done / 2 ** 20), file);
      },
    });
    progress?.finish();
    if (!downloaded) process.stdout.write(`${out} already holds ${name} (sizes and checksums verified); nothing downloaded\n`);
    else process.stdout.write(`${name} → ${out} (${files.join(", ")})\n`);
    return 0;
  } catch (err) {
    progress?.finish("failed");
    if (err instanceof HubError) throw new CliError(err.message);
    throw err;
  }
}

async function initRandom(rest: string[]): Promise<number> {
  const parsed = parseCliArgs("models init-random", { args: rest, options: { like: { type: "string" }, out: { type: "string" }, seed: { type: "string", default: "0" }, ...HELP } });
  if (parsed.values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  const { like, out } = parsed.values;
  if (!like || !out) throw new CliError("models init-random needs --like DIR (the checkpoint to copy the architecture and tokenizer from) and --out DIR");
  const seed = Number(parsed.values.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) throw new CliError(`--seed must be a non-negative integer of 32 bits (at most ${2 ** 32 - 1}), got '${parsed.values.seed}'`);
  const configPath = path.join(like, "config.json");
  if (!fs.existsSync(configPath)) throw new CliError(`--like ${like}: no config.json there; give a Hugging Face checkpoint folder`);
  if (fs.existsSync(out) && !fs.statSync(out).isDirectory()) throw new CliError(`--out ${out} is a file; give a folder (it is created if needed)`);
  if (fs.existsSync(path.join(out, "model.safetensors"))) throw new CliError(`--out ${out} already holds a model.safetensors; choose an empty folder`);
  const { parseConfig, createRandomModel, saveModel, TOKENIZER_FILES } = await import("../../model");
  let config;
  try {
    config = parseConfig(JSON.parse(fs.readFileSync(configPath, "utf8")), configPath);
  } catch (err) {
    throw new CliError(`--like ${like}: ${(err as Error).message.replace(configPath + ": ", "config.json: ")}; fix the checkpoint's config.json or give another --like`);
  }
  if (!TOKENIZER_FILES.some((f) => fs.existsSync(path.join(like, f)))) throw new CliError(`--like ${like}: no tokenizer files there (tokenizer.json or vocab.txt)`);
  try {
    makeDirs(out);
  } catch (err) {
    throw new CliError(`--out ${out} cannot be created (${(err as Error).message}); choose a writable folder`);
  }
  // Encoder + MLM head, no pooler and no task head: fine-tuning then initialises the pooler and
  // classifier from the run's seed. (The embedded model's pooler and next-sentence head are
  // pre-trained; at random init a pooler from this seed or from the run's is equally random.)
  const model = await createRandomModel(config, seed, { pooler: false, classifier: false, mlm: true });
  try {
    await saveModel(model, out, { tokenizerFrom: like });
  } finally {
    model.dispose();
  }
  process.stdout.write(`random-init ${config.model_type} (seed ${seed}, tokenizer of ${like}) → ${out}\n`);
  return 0;
}
