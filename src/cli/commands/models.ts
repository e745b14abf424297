// `instability models pull NAME [--out DIR]`: download a BERT/RoBERTa checkpoint from the
// Hugging Face Hub (needs internet; the embedded model needs none).
import * as path from "node:path";
import { parseArgs } from "node:util";
import { CliError } from "../command";

const USAGE = `usage: instability models pull NAME [--out DIR]

Downloads config.json, model.safetensors and the tokenizer files of a Hugging Face model
(e.g. bert-large-uncased, FacebookAI/roberta-large) into DIR (default: models/NAME).
Needs internet access; nothing is left behind if the download fails.`;

function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e3).toFixed(0)} kB`;
}

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
  const tty = Boolean(process.stderr.isTTY);
  let lastDraw = 0;
  const start = Date.now();
  try {
    const files = await pullModel(name, out, {
      revision: parsed.values.revision,
      onProgress: (file, _fileBytes, done, total) => {
        const now = Date.now();
        if (now - lastDraw < (tty ? 100 : 10000) && done < total) return;
        lastDraw = now;
        const pct = total > 0 ? Math.min(100, (100 * done) / total) : 0;
        const width = 30;
        const bar = "#".repeat(Math.round((pct / 100) * width)).padEnd(width, ".");
        const rate = done / Math.max(0.001, (now - start) / 1000);
        const line = `${name} [${bar}] ${pct.toFixed(1)}% ${formatBytes(done)}/${formatBytes(total)} ${formatBytes(rate)}/s ${file}`;
        process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
      },
    });
    if (tty) process.stderr.write("\n");
    process.stdout.write(`${name} → ${out} (${files.join(", ")})\n`);
    return 0;
  } catch (err) {
    if (tty) process.stderr.write("\n");
    if (err instanceof HubError) throw new CliError(err.message);
    throw err;
  }
}
