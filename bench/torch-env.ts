// The environment PyTorch benchmarks run in. BENCH_TORCH_LIBRARY_PATH=DIR puts DIR first on
// LD_LIBRARY_PATH (e.g. an OpenBLAS directory: Debian's torch calls whatever libblas.so.3 the
// system points to, and the reference BLAS is ~10× slower) without changing the system.
// OpenBLAS chooses its kernels by CPU model and runs its slow generic "Prescott" kernels on CPUs
// newer than its tables (bench train prints the core it runs): OPENBLAS_CORETYPE (SkylakeX for
// AVX-512, Haswell for AVX2) passes through to force the right ones.
export function torchEnv(): NodeJS.ProcessEnv {
  const extra = process.env.BENCH_TORCH_LIBRARY_PATH;
  if (!extra) return process.env;
  return { ...process.env, LD_LIBRARY_PATH: [extra, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":"), OPENBLAS_NUM_THREADS: "1" };
}
