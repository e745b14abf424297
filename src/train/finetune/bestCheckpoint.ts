// Model selection (method.md §3): keep the checkpoint whose validation metric is STRICTLY
// greater than every earlier one; the first evaluation is always kept. A snapshot is a tf.clone
// of every parameter: it shares the buffer, and the optimizer's Variable.assign swaps buffers
// rather than writing into them, so keeping a checkpoint costs no copy, only the memory of the
// old values while they are kept.
import * as tf from "@tensorflow/tfjs";

export class BestCheckpoint {
  /** 1-based epoch of the kept checkpoint, or null before the first evaluation. */
  epoch: number | null = null;
  value = -Infinity;
  private snapshot: Map<string, tf.Tensor> | null = null;

  /** Offers the model after `epoch`'s evaluation; returns true when it becomes the best. */
  consider(epoch: number, value: number, params: Map<string, tf.Variable>): boolean {
    // A NaN metric (non-finite logits) is kept only as the very first evaluation, and any number beats it.
    const better = this.epoch === null || value > this.value || (Number.isNaN(this.value) && !Number.isNaN(value));
    if (!better) return false;
    this.release();
    this.snapshot = new Map([...params].map(([name, v]) => [name, tf.clone(v)]));
    this.epoch = epoch;
    this.value = value;
    return true;
  }

  get has(): boolean {
    return this.snapshot !== null;
  }

  /** Writes the kept values back into the parameters. */
  restoreInto(params: Map<string, tf.Variable>): void {
    if (!this.snapshot) throw new Error("no checkpoint has been kept yet (no evaluation happened)");
    for (const [name, t] of this.snapshot) {
      const v = params.get(name);
      if (!v) throw new Error(`the kept checkpoint has ${name}, which the model lacks`);
      v.assign(t);
    }
  }

  private release(): void {
    if (this.snapshot) tf.dispose([...this.snapshot.values()]);
    this.snapshot = null;
  }

  dispose(): void {
    this.release();
  }
}
