// A sweep's cores shared among its runs: each run starts with cores ÷ runs at once kernel threads
// (INSTABILITY_THREADS) and a threads file it re-reads (model/threads.ts). Once no run is left to
// start, every run that ends hands its cores to the runs still going by rewriting their files.
// A run that started on one thread keeps one (its wasm memory is not shared; model/threads.ts
// clamps), so the 2-core main job (2 runs × 1 thread) runs exactly as before.
import * as fs from "node:fs";
import { cores } from "../../model/threads";

/** Writes a thread count so that a reader sees the old or the new file, never half of one. */
function writeCount(file: string, threads: number): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${threads}\n`);
  fs.renameSync(tmp, file);
}

export class CoreShare {
  /** Threads file of each running run → its thread count now. */
  private readonly running = new Map<string, number>();

  /** `perRun` threads for each run at first; `grow`: hand freed cores on (off when the count was set). */
  constructor(private readonly perRun: number, private readonly grow: boolean, private readonly available = cores()) {}

  /** A run starts: its threads file, written with its starting count, and its environment. */
  start(file: string): NodeJS.ProcessEnv {
    writeCount(file, this.perRun);
    this.running.set(file, this.perRun);
    return { INSTABILITY_THREADS: String(this.perRun), INSTABILITY_THREADS_FILE: file };
  }

  /** A run ended: its file goes; with no run left to start, the others share the cores. */
  finished(file: string, queueEmpty: boolean): void {
    this.running.delete(file);
    fs.rmSync(file, { force: true });
    if (!this.grow || !queueEmpty || this.running.size === 0) return;
    const share = Math.max(1, Math.floor(this.available / this.running.size));
    for (const [f, threads] of this.running) {
      if (share <= threads) continue;
      writeCount(f, share);
      this.running.set(f, share);
    }
  }

  /** The thread count a running run was last given (tests). */
  threadsOf(file: string): number | undefined {
    return this.running.get(file);
  }
}
