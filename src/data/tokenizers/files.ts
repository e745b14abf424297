// Atomic file writes: a reader never sees a half-written tokenizer file.
import * as fs from "node:fs";
import * as path from "node:path";

export function writeFileAtomic(file: string, data: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    fs.writeFileSync(tmp, data, "utf8");
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

export function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`cannot read ${what} '${file}': ${(err as Error).message}`);
  }
}

export function readJson(file: string, what: string): unknown {
  const text = readText(file, what);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${what} '${file}' is not valid JSON (${(err as Error).message}); re-save it from Hugging Face`);
  }
}
