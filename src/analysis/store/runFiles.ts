// The files of a store's runs as the analyses read them: each from disk once. Everything but
// hidden.npy is kept as bytes for the store's life: logits [n, C], labels [n] and the JSON files
// are small (a GLUE dev half: 872 × 2 float32 logits, 7 kB a run), and several readers need the same
// bytes (the representation cache's fingerprint hashes config.json and logits.npy, loading parses
// them). hidden.npy (megabytes a run) is not kept here: loadedRuns.ts keeps the arrays of the few
// configurations read again, within a budget.
import * as path from "node:path";
import { readRegularFile } from "../../util/readRegularFile";

export class RunFiles {
  private readonly bytes = new Map<string, Buffer>();

  /** The bytes of `file` (errors as readRegularFile's); read from disk on the first call only, hidden.npy on every call. */
  readonly read = (file: string): Buffer => {
    const key = path.resolve(file);
    const kept = this.bytes.get(key);
    if (kept) return kept;
    const bytes = readRegularFile(file);
    if (path.basename(file) !== "hidden.npy") this.bytes.set(key, bytes);
    return bytes;
  };
}
