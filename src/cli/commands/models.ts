// `instability models pull NAME [--out DIR]`: download a BERT/RoBERTa checkpoint from the
// Hugging Face Hub (needs internet; the embedded model needs none).
import * as path from "node:path";
import { parseArgs } from "node:util";
import { Progress } from "../../util/progress";
import { CliError } from "../command";

const USAGE = `usage: instability models pull NAME [--out DIR]

Downloads config.json, model.safetensors and the tokenizer files of a Hugging Face model
(e.g. bert-large-uncased, FacebookAI/roberta-large) into DIR (default: models/NAME).
Needs internet access; nothing is left behind if the download fails.`;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "--help" || sub === "-h") {
    process.stdout.write(USAGE + "\n");
    return sub ? 0 : 2;
  }
  if (sub !== "pull") throw new CliError(`unknown models sub-command '${sub}'; the only one is 'pull'`);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { out: { type: "string" }, revision: { type: "string" }, help: { type: "boolean", short: "h", default: false } },
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message}; see \`instability models pull --help\``);
  }
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
    const files = await pullModel(name, out, {
      revision: parsed.values.revision,
      onProgress: (file, _fileBytes, done, total) => {
        // Progress counts MiB so the shared bar's counts, rate and ETA read naturally.
        progress ??= new Progress({ label: name, total: Math.max(1, Math.round(total / 2 ** 20)), unit: "MiB" });
        progress.update(Math.round(done / 2 ** 20), file);
      },
    });
    progress?.finish();
    process.stdout.write(`${name} → ${out} (${files.join(", ")})\n`);
    return 0;
  } catch (err) {
    progress?.finish("failed");
    if (err instanceof HubError) throw new CliError(err.message);
    throw err;
  }
}
