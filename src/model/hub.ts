// Downloading a checkpoint from the Hugging Face Hub into a directory in HF layout. Everything is
// written into a temporary sibling directory that is renamed only when complete, so a failed or
// interrupted pull never leaves something that looks like a checkpoint.
import * as fs from "node:fs";
import * as path from "node:path";
import { TOKENIZER_FILES } from "./checkpoint";

export interface PullOptions {
  /** Called as bytes arrive: (file, bytes of this file so far, bytes of all files so far, total bytes). */
  onProgress?: (file: string, fileBytes: number, doneBytes: number, totalBytes: number) => void;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  hubUrl?: string;
  revision?: string;
}

const REQUIRED = ["config.json", "model.safetensors"];

export class HubError extends Error {}

/** Downloads config.json, model.safetensors and the tokenizer files of `name` into `outDir`. */
export async function pullModel(name: string, outDir: string, opts: PullOptions = {}): Promise<string[]> {
  if (!/^[\w.-]+(\/[\w.-]+)?$/.test(name)) {
    throw new HubError(`'${name}' is not a Hugging Face model name (expected e.g. bert-base-uncased or FacebookAI/roberta-base)`);
  }
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0) {
    throw new HubError(`${outDir} already exists and is not empty; remove it or choose another --out`);
  }
  const hub = await import("@huggingface/hub");
  const fetchFn = opts.fetch ?? fetch;
  const hubUrl = opts.hubUrl ?? "https://huggingface.co";
  // Fail at once when offline instead of deep inside the first download.
  try {
    await fetchFn(`${hubUrl}/api/models/${name}`, { method: "HEAD", signal: AbortSignal.timeout(15000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new HubError(`cannot reach ${hubUrl} (${cause}): \`models pull\` needs internet access; copy a checkpoint directory here instead`);
  }
  const repo = { type: "model" as const, name };
  const wanted = new Set([...REQUIRED, ...TOKENIZER_FILES]);
  const files: Array<{ path: string; size: number }> = [];
  try {
    for await (const f of hub.listFiles({ repo, fetch: fetchFn, hubUrl, revision: opts.revision })) {
      if (f.type === "file" && wanted.has(f.path)) files.push({ path: f.path, size: f.lfs?.size ?? f.size });
    }
  } catch (err) {
    throw new HubError(`cannot list the files of '${name}' on ${hubUrl}: ${(err as Error).message}`);
  }
  for (const r of REQUIRED) {
    if (!files.some((f) => f.path === r)) {
      const hint = r === "model.safetensors" ? " (only safetensors checkpoints are supported)" : "";
      throw new HubError(`'${name}' has no ${r}${hint}`);
    }
  }
  const total = files.reduce((a, f) => a + f.size, 0);
  const parent = path.dirname(path.resolve(outDir));
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(outDir)}.partial-`));
  let done = 0;
  try {
    for (const f of files) {
      const blob = await hub.downloadFile({ repo, path: f.path, fetch: fetchFn, hubUrl, revision: opts.revision });
      if (!blob) throw new HubError(`'${name}' lists ${f.path} but it could not be downloaded`);
      const fd = fs.openSync(path.join(tmp, f.path), "w");
      let fileBytes = 0;
      try {
        const reader = blob.stream().getReader();
        for (;;) {
          const { done: end, value } = await reader.read();
          if (end) break;
          fs.writeSync(fd, value);
          fileBytes += value.length;
          done += value.length;
          opts.onProgress?.(f.path, fileBytes, done, total);
        }
      } finally {
        fs.closeSync(fd);
      }
    }
    if (fs.existsSync(outDir)) fs.rmdirSync(outDir);
    fs.renameSync(tmp, outDir);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return files.map((f) => f.path);
}
