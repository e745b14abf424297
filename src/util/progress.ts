// Progress reporting for long work (pre-training, fine-tuning, sweeps, downloads).
// On a terminal: one line redrawn in place, with rate and ETA. Elsewhere (pipes, CI logs, notebook
// cells): a plain line at most every `intervalMs`, so logs stay readable and nothing is lost.

export interface ProgressOptions {
  label: string;
  total: number;
  unit?: string;
  stream?: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean };
  intervalMs?: number;
  /** Force plain lines even on a TTY (e.g. inside a worker process whose output is captured). */
  plain?: boolean;
  now?: () => number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = String(m).padStart(2, "0"), ss = String(r).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export class Progress {
  private done = 0;
  private readonly start: number;
  private lastDraw = -Infinity;
  private readonly tty: boolean;
  private readonly stream: NonNullable<ProgressOptions["stream"]>;
  private readonly interval: number;
  private readonly now: () => number;
  private extra = "";

  constructor(private readonly opts: ProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = !opts.plain && Boolean(this.stream.isTTY);
    this.interval = opts.intervalMs ?? (this.tty ? 100 : 10_000);
    this.now = opts.now ?? Date.now;
    this.start = this.now();
  }

  /** Advance by `n` units; `info` (e.g. "loss 0.512") is shown after the counts. */
  tick(n = 1, info?: string): void {
    this.update(this.done + n, info);
  }

  update(done: number, info?: string): void {
    this.done = done;
    if (info !== undefined) this.extra = info;
    const t = this.now();
    if (t - this.lastDraw >= this.interval || this.done >= this.opts.total) this.draw(t);
  }

  /** The current line without drawing it (for tests and for callers that log elsewhere). */
  line(t = this.now()): string {
    const { label, total, unit = "" } = this.opts;
    const elapsed = (t - this.start) / 1000;
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const eta = rate > 0 ? (total - this.done) / rate : NaN;
    const pct = total > 0 ? Math.min(100, (100 * this.done) / total) : 100;
    const bar = this.tty ? ` [${"#".repeat(Math.round(pct / 5)).padEnd(20, ".")}]` : "";
    const rateText = rate >= 10 ? rate.toFixed(0) : rate.toFixed(2);
    const extra = this.extra ? ` ${this.extra}` : "";
    return `${label}${bar} ${this.done}/${total}${unit ? " " + unit : ""} (${pct.toFixed(0)}%) ${rateText}${unit ? " " + unit : ""}/s elapsed ${formatDuration(elapsed)} ETA ${formatDuration(eta)}${extra}`;
  }

  private draw(t: number): void {
    this.lastDraw = t;
    const text = this.line(t);
    if (this.tty) this.stream.write(`\r\x1b[K${text}`);
    else this.stream.write(text + "\n");
  }

  /** Final line; on a TTY moves to a new line. */
  finish(info?: string): void {
    if (info !== undefined) this.extra = info;
    this.draw(this.now());
    if (this.tty) this.stream.write("\n");
  }
}
