// The alternating rounds that bench train and bench finetune measure in: a shared machine's core
// speed drifts by tens of percent within a minute, so each side runs BENCH_ROUNDS times (default 3),
// tfjs first in even rounds and PyTorch first in odd ones, and the benches compare medians.
export { median } from "../src/measures/kernelCka";

/** BENCH_ROUNDS, checked. */
export function benchRounds(): number {
  const rounds = Number(process.env.BENCH_ROUNDS ?? "3");
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`BENCH_ROUNDS=${process.env.BENCH_ROUNDS} must be a whole number ≥ 1`);
  return rounds;
}

/** Which side runs first in a round: a slow spell then hits both sides alike. */
export function roundOrder(round: number): ["tfjs", "pytorch"] | ["pytorch", "tfjs"] {
  return round % 2 === 0 ? ["tfjs", "pytorch"] : ["pytorch", "tfjs"];
}
