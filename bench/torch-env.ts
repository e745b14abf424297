// The environment PyTorch benchmarks run in. BENCH_TORCH_LIBRARY_PATH=DIR puts DIR first on
// LD_LIBRARY_PATH (e.g. an OpenBLAS directory: Debian's torch calls whatever libblas.so.3 the
// system points to, and the reference BLAS is ~10× slower) without changing the system.
// OpenBLAS chooses its kernels by CPU model and runs its slow generic "Prescott" kernels on CPUs
// newer than its tables (bench train prints the core it runs): OPENBLAS_CORETYPE (SkylakeX for
// AVX-512, Haswell for AVX2) passes through to force the right ones.
// `threads` is the BLAS's thread count too (OpenBLAS reads OPENBLAS_NUM_THREADS when it loads).
import * as fs from "node:fs";

// Unset, it is Debian's OpenMP OpenBLAS (libopenblas0-openmp) where installed: PyTorch's threads are
// OpenMP threads, and only that build shares them (torch_finetune.py says which BLAS ran and how).
const OPENMP_OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-openmp";

export function torchEnv(threads = 1): NodeJS.ProcessEnv {
  const extra = process.env.BENCH_TORCH_LIBRARY_PATH ?? (fs.existsSync(OPENMP_OPENBLAS) ? OPENMP_OPENBLAS : undefined);
  const counts = { OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  if (!extra) return { ...process.env, ...counts };
  return { ...process.env, LD_LIBRARY_PATH: [extra, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":"), ...counts };
}
