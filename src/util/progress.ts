// Progress reporting for long work (pre-training, fine-tuning, sweeps, downloads, notebook cells):
// the one Progress API. It counts, throttles and writes the line; where the line goes is a sink.
// On a terminal: one line redrawn in place, with a bar. Elsewhere (pipes, CI logs): a plain line
// at most every `intervalMs`, so logs stay readable and nothing is lost. In a notebook cell,
// notebook/progress.ts passes a sink that updates one display in place.

/** Where the lines go. `final` is true for the drawing at the total, or at finish(). */
export interface ProgressSink {
  draw(line: string, state: { done: number; total?: number; final: boolean }): void;
  /** After the last drawing (a terminal moves to a new line). */
  end?(): void;
}

type Stream = NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean };

export interface ProgressOptions {
  /** What is progressing, first on each line (e.g. "sweep"). */
  label?: string;
  /** How many units in all, if known (setTotal can give it later). */
  total?: number;
  /** The units' name, e.g. "steps" (default) or "runs". */
  unit?: string;
  /** Output stream when no sink is given (default stderr). */
  stream?: Stream;
  /** Where the lines go instead of a stream (a notebook display). */
  sink?: ProgressSink;
  /** Minimum ms between drawings (default 100 on a terminal, 10 000 otherwise); the first and the last always draw. */
  intervalMs?: number;
  /** Force plain lines even on a TTY (e.g. inside a worker process whose output is captured). */
  plain?: boolean;
  /** Clock in ms (default Date.now); tests pass their own. */
  now?: () => number;
}

/** Seconds as mm:ss or h:mm:ss; "--:--" when unknown. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = String(m).padStart(2, "0"), ss = String(r).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** A terminal (redrawn line with a bar) or a log (one line per drawing). */
function streamSink(stream: Stream, tty: boolean): ProgressSink {
  return tty
    ? { draw: (line) => stream.write(`\r\x1b[K${line}`), end: () => stream.write("\n") }
    : { draw: (line) => stream.write(line + "\n") };
}

export class Progress {
  private done = 0;
  private total: number | undefined;
  private readonly start: number;
  private lastDraw = -Infinity;
  private finalDrawn = false;
  private readonly bar: boolean;
  private readonly sink: ProgressSink;
  private readonly interval: number;
  private readonly now: () => number;
  private extra = "";

  constructor(private readonly opts: ProgressOptions = {}) {
    const stream = opts.stream ?? process.stderr;
    const tty = !opts.sink && !opts.plain && Boolean(stream.isTTY);
    this.bar = tty;
    this.sink = opts.sink ?? streamSink(stream, tty);
    this.total = opts.total;
    this.interval = opts.intervalMs ?? (tty ? 100 : 10_000);
    this.now = opts.now ?? Date.now;
    this.start = this.now();
  }

  /** Sets (or changes) the total, e.g. once a sweep knows how many runs are missing. */
  setTotal(total: number): void {
    this.total = total;
  }

  /** Advance by `n` units; `info` (e.g. "loss 0.512") is shown after the counts. */
  tick(n = 1, info?: string): void {
    this.update(this.done + n, info);
  }

  /** `done` units finished so far; draws if enough time has passed, and always at the total. */
  update(done: number, info?: string): void {
    if (!Number.isFinite(done) || done < 0) throw new RangeError(`progress.update(done): done must be a number ≥ 0 (got ${done})`);
    this.done = done;
    if (info !== undefined) this.extra = info;
    const t = this.now();
    const atTotal = this.total !== undefined && this.done >= this.total;
    if (t - this.lastDraw >= this.interval || atTotal) this.draw(t, atTotal);
  }

  /** The current line without drawing it (for tests and for callers that log elsewhere). */
  line(t = this.now()): string {
    const { label, unit = "steps" } = this.opts;
    const total = this.total;
    const elapsed = (t - this.start) / 1000;
    let s = label ? `${label}: ` : "";
    if (total === undefined) {
      s += `${this.done} ${unit}, elapsed ${formatDuration(elapsed)}`;
    } else {
      const rate = elapsed > 0 ? this.done / elapsed : 0;
      const eta = rate > 0 ? (total - this.done) / rate : NaN;
      const pct = total > 0 ? Math.min(100, (100 * this.done) / total) : 100;
      const bar = this.bar ? `[${"#".repeat(Math.round(pct / 5)).padEnd(20, ".")}] ` : "";
      s += `${bar}${this.done}/${total} ${unit} (${Math.floor(pct)}%), ${rate >= 10 ? rate.toFixed(0) : rate.toFixed(2)} ${unit}/s, elapsed ${formatDuration(elapsed)}, ETA ${formatDuration(Math.max(0, eta))}`;
    }
    return this.extra ? `${s} · ${this.extra}` : s;
  }

  private draw(t: number, final: boolean): void {
    this.lastDraw = t;
    this.finalDrawn = final;
    this.sink.draw(this.line(t), { done: this.done, total: this.total, final });
  }

  /** The closing line (unless the total was just drawn and `info` adds nothing); then the sink's end. */
  finish(info?: string): void {
    if (!this.finalDrawn || info !== undefined) {
      if (info !== undefined) this.extra = info;
      this.draw(this.now(), true);
    }
    this.sink.end?.();
  }
}
