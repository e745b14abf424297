// The loss log: one JSON object per line in DIR/log.jsonl ({"type": "train" | "eval", "step", …}),
// appended as the run goes, so it can be tailed, plotted, or read by any tool.
import * as fs from "node:fs";
import { temporarySibling } from "../../util/tempNames";

export function appendLog(file: string, entry: Record<string, unknown>): void {
  fs.appendFileSync(file, JSON.stringify(entry) + "\n");
}

/** Reads the log's entries; a torn last line (a process killed mid-write) is skipped. */
export function readLog(file: string): Record<string, unknown>[] {
  if (!fs.existsSync(file)) return [];
  const out: Record<string, unknown>[] = [];
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      /* torn line */
    }
  }
  return out;
}

/** Keeps only the entries of updates up to `step` (those a resume from that step does not redo). */
export function truncateLog(file: string, step: number): void {
  if (!fs.existsSync(file)) return;
  const kept = readLog(file).filter((e) => typeof e.step === "number" && e.step <= step);
  const tmp = temporarySibling(file);
  fs.writeFileSync(tmp, kept.map((e) => JSON.stringify(e) + "\n").join(""));
  fs.renameSync(tmp, file);
}
