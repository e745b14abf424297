// The two engines of the fused linear layers' matrix products: our SIMD gemm and, where one is
// installed, a BLAS library (src/model/kernels/blas.ts). Tests of byte-for-byte properties run on both.
import { processBlas } from "../../src/model/kernels/blas";
import { withEnv } from "./env";

export interface MatrixProducts {
  /** INSTABILITY_BLAS's value for it. */
  setting: "0" | "auto";
  name: string;
}

const OURS: MatrixProducts = { setting: "0", name: "our gemm" };

/** Our gemm, and the BLAS library where INSTABILITY_BLAS=auto finds one. */
export function matrixProductEngines(): MatrixProducts[] {
  const blas = withBlasSetting("auto", () => processBlas());
  return blas ? [OURS, { setting: "auto", name: blas.description }] : [OURS];
}

/** f with INSTABILITY_BLAS set to `setting`, restored after (f may return a promise). */
export const withBlasSetting = <T>(setting: string, f: () => T): T => withEnv("INSTABILITY_BLAS", setting, f);
