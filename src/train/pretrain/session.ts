// One session of a pre-training run: the model, its optimizer and the trainer state, with the things
// a session does besides updating (held-out evaluations, the log, checkpoints, the stop rules).
import * as path from "node:path";
import type { EncoderModel } from "../../model/encoder";
import { Progress } from "../../util/progress";
import type { AdamW } from "../adamw";
import { saveCheckpoint, type TrainerState } from "./checkpoint";
import { TOKENIZER_DIR, type PretrainCorpus } from "./corpus";
import { dataPosition } from "./data";
import { evaluateMlm, type MlmEvaluation } from "./evaluate";
import { appendLog, truncateLog } from "./log";
import type { StepResult } from "./step";

export interface SessionOptions {
  outDir: string;
  /** Date.now() when the session began (--max-minutes counts from there). */
  sessionStart: number;
  batchSize: number;
  maxSteps: number;
  evalEvery: number;
  evalSequences?: number;
  evalMaskSeed?: number;
  maxMinutes?: number;
  checkpointEveryMinutes: number;
  checkpointEverySteps?: number;
  stopAtStep?: number;
  signal?: AbortSignal;
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  quiet?: boolean;
}

export class PretrainSession {
  readonly logFile: string;
  readonly startStep: number;
  lastEval: (MlmEvaluation & { step: number }) | undefined;
  private segmentStart = Date.now();
  private lastCheckpoint = Date.now();
  private progress: Progress | null = null;

  constructor(
    readonly o: SessionOptions,
    readonly model: EncoderModel,
    readonly optimizer: AdamW,
    readonly corpus: PretrainCorpus,
    readonly state: TrainerState,
    readonly say: (line: string) => void,
  ) {
    this.logFile = path.join(o.outDir, "log.jsonl");
    this.startStep = state.step;
    // Lines written after the checkpoint by a run that was then killed describe updates that will be redone.
    truncateLog(this.logFile, state.step);
  }

  get hasHeldOut(): boolean {
    return this.corpus.heldOutSeqs.length > 0;
  }

  /** Held-out MLM loss and accuracy at `step`, logged and kept in the trainer state. */
  evaluate(step: number): void {
    const e = evaluateMlm(this.model, this.corpus.heldOutSeqs, this.corpus.tokenizer, {
      maskSeed: this.o.evalMaskSeed ?? 0,
      batchSize: this.o.batchSize,
      maxSequences: this.o.evalSequences,
    });
    appendLog(this.logFile, { type: "eval", step, eval_loss: e.loss, eval_accuracy: e.accuracy, masked_tokens: e.maskedTokens, sequences: e.sequences });
    this.say(`step ${step}: held-out MLM loss ${e.loss.toFixed(4)}, accuracy ${(100 * e.accuracy).toFixed(2)}% (${e.maskedTokens} masked tokens)`);
    this.state.lastEval = { step, loss: e.loss, accuracy: e.accuracy };
    this.lastEval = { ...e, step };
  }

  /** Starts the clocks and the progress bar once the start-of-run evaluation is done. */
  startTraining(): void {
    this.segmentStart = Date.now();
    this.lastCheckpoint = Date.now();
    const s = this.state.step;
    if (this.o.quiet) return;
    this.progress = new Progress({ label: s > 0 ? `pretrain (resumed at ${s})` : "pretrain", total: this.o.maxSteps - s, unit: "steps", stream: this.o.stream });
  }

  /** Counts a finished update in the state, the log and the progress bar. */
  recordUpdate(r: StepResult): void {
    const state = this.state;
    state.step += 1;
    state.tokensSeen += r.tokens;
    appendLog(this.logFile, {
      type: "train",
      step: state.step,
      loss: r.loss,
      ...(this.corpus.pairs ? { next_sentence_accuracy: r.nextSentenceAccuracy } : {}),
      lr: r.lr,
      grad_norm: r.gradNorm,
      tokens_seen: state.tokensSeen,
      elapsed_s: state.trainSeconds + (Date.now() - this.segmentStart) / 1000,
    });
    this.progress?.tick(1, `loss ${r.loss.toFixed(3)} lr ${r.lr.toExponential(2)}`);
  }

  /** Why this session stops before the schedule's end, or null to go on. */
  stopReason(): string | null {
    const { o, state } = this;
    if (o.stopAtStep !== undefined && state.step >= o.stopAtStep) return `stopped at step ${state.step} as asked`;
    if (o.signal?.aborted) return `interrupted at step ${state.step}`;
    if (o.maxMinutes !== undefined && Date.now() - o.sessionStart >= o.maxMinutes * 60_000) return `--max-minutes ${o.maxMinutes} reached at step ${state.step}`;
    return null;
  }

  checkpointDue(): boolean {
    const { o, state } = this;
    return (
      Date.now() - this.lastCheckpoint >= o.checkpointEveryMinutes * 60_000 ||
      (o.checkpointEverySteps !== undefined && state.step % o.checkpointEverySteps === 0)
    );
  }

  /** Writes DIR/checkpoint with the time trained so far and the data position of the next update. */
  async checkpoint(): Promise<void> {
    const { state } = this;
    const now = Date.now();
    state.trainSeconds += (now - this.segmentStart) / 1000;
    this.segmentStart = now;
    const pos = dataPosition(state.step, this.corpus.schedule.batchesPerEpoch);
    state.epoch = pos.epoch;
    state.position = pos.index;
    await saveCheckpoint(this.o.outDir, this.model, this.optimizer, state, { tokenizerDir: path.join(this.o.outDir, TOKENIZER_DIR) });
    this.lastCheckpoint = Date.now();
  }

  finishProgress(): void {
    this.progress?.finish();
  }
}
