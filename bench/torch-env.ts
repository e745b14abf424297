// The environment PyTorch benchmarks run in. BENCH_TORCH_LIBRARY_PATH=DIR puts DIR first on
// LD_LIBRARY_PATH (e.g. an OpenBLAS directory: Debian's torch calls whatever libblas.so.3 the
// system points to, and the reference BLAS is ~10× slower) without changing the system.
export function torchEnv(): NodeJS.ProcessEnv {
  const extra = process.env.BENCH_TORCH_LIBRARY_PATH;
  if (!extra) return process.env;
  return { ...process.env, LD_LIBRARY_PATH: [extra, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":"), OPENBLAS_NUM_THREADS: "1" };
}
