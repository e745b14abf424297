// θ_OP: the angular Procrustes shape metric of Williams et al. (2021), as netrep's
// LinearMetric(alpha=1, score_method="angular") defines it: for column-centred X and Y,
// θ = arccos(‖XᵀY‖_* / (‖X‖_F·‖Y‖_F)), the angle between X and the best rotation of Y, in
// radians, range [0, π/2]. Unlike I_OP (= 1 − cos θ) it satisfies the triangle inequality, so it
// is a metric on shapes. It needs exactly the per-run work of I_OP (orthogonalProcrustes.ts),
// so the two share one preparation.
import { gram } from "./linalg";
import { OP_PREPARATION, orthogonalProcrustesFromPrepared, prepareOrthogonalProcrustes, ProcrustesPrepared } from "./orthogonalProcrustes";
import type { MeasureDefinition } from "./measureDefinition";

/** θ from I_OP = 1 − cos θ, clamped to arccos's domain against round-off. */
export function procrustesAngleFromOp(op: number): number {
  return Math.acos(Math.min(1, Math.max(-1, 1 - op)));
}

/** θ_OP between two runs prepared for I_OP. */
export function procrustesAngleFromPrepared(a: ProcrustesPrepared, b: ProcrustesPrepared): number {
  return procrustesAngleFromOp(orthogonalProcrustesFromPrepared(a, b));
}

/** θ_OP between X and Y, both [n, d] row-major (d may differ). */
export function procrustesAngleDistance(x: Float64Array, y: Float64Array, n: number, dx: number, dy = dx): number {
  return procrustesAngleFromPrepared(prepareOrthogonalProcrustes(gram(x, n, dx), n, "X"), prepareOrthogonalProcrustes(gram(y, n, dy), n, "Y"));
}

export const OP_ANGULAR_MEASURE: MeasureDefinition = {
  id: "op-angular",
  label: { html: "θ<sub>OP</sub>", plain: "θ_OP" },
  help: "the angular Procrustes metric, radians",
  representation: { preparation: OP_PREPARATION, distance: procrustesAngleFromPrepared },
};
