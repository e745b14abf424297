// The linear layers' matrix products on a CBLAS library's sgemm — OpenBLAS, the BLAS that NumPy
// and PyTorch use on a CPU — called through koffi (an FFI whose npm package carries its compiled
// binaries, so nothing is built or downloaded at install). WebAssembly's 128-bit SIMD caps our own
// gemm (gemm.ts) at about half of what OpenBLAS's AVX2/AVX-512 kernels do on the same core
// (bench/PROFILE.md), and the linear layers are most of a step's arithmetic.
//
// Same bytes for any thread count, and for any batch around a row: OpenBLAS's result for an
// element can depend on the call's shape (its kernels for a few leftover rows, for one row, or for
// small products sum in other orders), but not, in one shape, on where a row sits (tested:
// test/model/blas.test.ts and the byte-for-byte tests that run on both engines). So a linear
// layer's y and dx are computed in calls of exactly ROW_TILE rows — the last tile padded through
// scratch — and every row's result is that of the one call shape, whichever rows share its batch,
// whether padded positions are skipped, and whichever thread runs it. dW = dyᵀ·x sums over rows in
// K-blocks of 128 rows, as our gemm does, in tiles of its own rows fixed by its shape; threads
// take whole tiles. Results are deterministic per machine and library, not across them: the
// library picks its kernels for the CPU.
//
// INSTABILITY_BLAS picks the library: unset or "auto" finds OpenBLAS (libopenblas.so.0, as
// Debian's libopenblas0 installs it) and otherwise uses our gemm; "0" always uses our gemm; a
// path names a CBLAS library (it must export cblas_sgemm and run it on the calling thread).

const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

/** A CBLAS sgemm on float32 data: each operand a Float32Array starting at its first element; leading dimensions in floats. */
export interface Blas {
  /** The library file as loaded (worker threads load the same). */
  readonly library: string;
  /** What the startup line says, e.g. "OpenBLAS 0.3.21 (Cooperlake)". */
  readonly description: string;
  /** C = alpha·op(A)·op(B) + beta·C, C [M, N]; op(X) = Xᵀ when its flag is set. */
  sgemm(transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number, a: Float32Array, lda: number, b: Float32Array, ldb: number, beta: number, c: Float32Array, ldc: number): void;
}

/** Where OpenBLAS is found by name (the dynamic linker's search) when INSTABILITY_BLAS is unset. */
const OPENBLAS_NAMES = ["libopenblas.so.0", "libopenblas.so", "libopenblas.dylib", "/opt/homebrew/opt/openblas/lib/libopenblas.dylib", "/usr/local/opt/openblas/lib/libopenblas.dylib"];

/** The library INSTABILITY_BLAS asks for: null (our gemm), "auto", or a path. */
export function blasSetting(): string | null {
  const v = process.env.INSTABILITY_BLAS;
  if (v === undefined || v === "" || v === "auto" || v === "1") return "auto";
  if (v === "0") return null;
  return v;
}

interface Koffi {
  load(path: string): { func(signature: string): (...args: unknown[]) => unknown };
}

/** koffi, or null where its package or its binary for this platform is missing. */
function koffi(): Koffi | null {
  try {
    return require("koffi") as Koffi;
  } catch {
    return null;
  }
}

/** Loads `library` (a file name or path) as a Blas; throws a one-line error naming it. */
export function loadBlas(library: string): Blas {
  const ffi = koffi();
  if (!ffi) throw new Error(`INSTABILITY_BLAS=${library}: the koffi package is not installed or has no binary for ${process.platform}-${process.arch}; run npm install, or set INSTABILITY_BLAS=0`);
  let lib: ReturnType<Koffi["load"]>;
  let sgemm: (...args: unknown[]) => unknown;
  // OpenBLAS starts its thread pool when loaded, sized by OPENBLAS_NUM_THREADS: with one thread it
  // starts none (its idle pool threads, even after openblas_set_num_threads(1), cost a spam run at
  // 2 threads ~10%). Set for the load only, so that child processes see the user's own setting.
  const before = process.env.OPENBLAS_NUM_THREADS;
  process.env.OPENBLAS_NUM_THREADS = "1";
  try {
    lib = ffi.load(library);
    sgemm = lib.func("void cblas_sgemm(int, int, int, int, int, int, float, float *, int, float *, int, float, float *, int)");
  } catch (err) {
    throw new Error(`INSTABILITY_BLAS=${library}: cannot load its cblas_sgemm (${String((err as Error).message ?? err).split("\n")[0]}); name a CBLAS library such as libopenblas.so.0, or set INSTABILITY_BLAS=0`);
  } finally {
    if (before === undefined) delete process.env.OPENBLAS_NUM_THREADS;
    else process.env.OPENBLAS_NUM_THREADS = before;
  }
  const optional = (signature: string) => {
    try {
      return lib.func(signature);
    } catch {
      return null;
    }
  };
  // Our threads split the work: the library must not start its own on top of them.
  optional("void openblas_set_num_threads(int)")?.(1);
  const config = optional("const char *openblas_get_config()")?.() as string | undefined;
  const core = optional("const char *openblas_get_corename()")?.() as string | undefined;
  const version = config?.match(/OpenBLAS (\S+)/)?.[1];
  const description = config ? `OpenBLAS ${version ?? ""}${core ? ` (${core})` : ""}`.replace("  ", " ") : library;
  return {
    library,
    description,
    sgemm(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc) {
      sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc);
    },
  };
}

/** Libraries loaded so far, by INSTABILITY_BLAS's setting (null: none there). */
const bySetting = new Map<string, Blas | null>();

/** OpenBLAS where the dynamic linker or a usual place has it, else null. */
function findOpenBlas(): Blas | null {
  if (!koffi()) return null;
  for (const name of OPENBLAS_NAMES) {
    try {
      return loadBlas(name);
    } catch {
      // not here: try the next name
    }
  }
  return null;
}

/**
 * The Blas that INSTABILITY_BLAS asks for now (each library loaded once), or null for our gemm.
 * Read at every product, so that a process (a test) can switch between the two.
 */
export function processBlas(): Blas | null {
  const setting = blasSetting();
  if (setting === null) return null;
  if (setting === "auto") return findOpenBlasOnce();
  if (!bySetting.has(setting)) bySetting.set(setting, loadBlas(setting));
  return bySetting.get(setting)!;
}

/** The library worker threads load when a task first needs it: the one in use, else the one INSTABILITY_BLAS=auto would find. */
export function blasLibraryForWorkers(): string | null {
  return (processBlas() ?? findOpenBlasOnce())?.library ?? null;
}

function findOpenBlasOnce(): Blas | null {
  if (!bySetting.has("auto")) bySetting.set("auto", findOpenBlas());
  return bySetting.get("auto")!;
}

/** Rows of every call computing a linear layer's y or dx (the last tile padded to it). */
export const ROW_TILE = 64;

/**
 * Rows per tile of dW [M, N] = dyᵀ·x: about 8 tiles (work for up to 8 threads), a multiple of
 * 16, at least 32 and at most 128 (each call packs all of op(B) again, so a tile has rows enough
 * to pay for that). Fixed by M alone; not padded (a product computes each of dW's rows once).
 */
export const weightTileRows = (M: number): number => Math.min(128, Math.max(32, Math.ceil(M / 128) * 16));

/** One tiled product: C rows [m0, m1) of alpha·op(A)·op(B) (+ bias on every row, or + beta·C). */
export interface TiledGemm {
  transA: boolean;
  transB: boolean;
  N: number;
  K: number;
  alpha: number;
  /** Byte addresses in the memory; leading dimensions in floats. */
  a: number;
  lda: number;
  b: number;
  ldb: number;
  /** 0: C = product; 1: C += product. */
  beta: number;
  c: number;
  ldc: number;
  /** Byte address of a row of N floats added to every row of C (with beta 0), or 0. */
  bias: number;
  /** Rows of C per sgemm call: fixed by the product's shape, so the calls are the same for any thread count. */
  tile: number;
  /** 1: a last tile of fewer rows runs padded to `tile` rows (op(A) not transposed), so every call has the same shape. */
  pad: number;
}

/** This thread's scratch for a padded tile's rows of A and of C (grown as needed). */
let scratchA = new Float32Array(0);
let scratchC = new Float32Array(0);
const scratch = (have: Float32Array, floats: number): Float32Array => (have.length >= floats ? have : new Float32Array(floats));

/** C's rows [m0, m1) of `g`, m0 a multiple of g.tile, one sgemm call per tile. */
export function gemmTiles(blas: Blas, f32: Float32Array, g: TiledGemm, m0: number, m1: number): void {
  const bias = g.bias === 0 ? null : f32.subarray(g.bias >> 2, (g.bias >> 2) + g.N);
  const b = f32.subarray(g.b >> 2);
  for (let m = m0; m < m1; m += g.tile) {
    const rows = Math.min(g.tile, m1 - m);
    const a = (g.a >> 2) + m * (g.transA ? 1 : g.lda); // row m of op(A)
    const c = (g.c >> 2) + m * g.ldc;
    if (rows < g.tile && g.pad) {
      paddedTile(blas, f32, g, a, c, rows, bias, b);
      continue;
    }
    if (bias) for (let r = 0; r < rows; r++) f32.set(bias, c + r * g.ldc);
    blas.sgemm(g.transA, g.transB, rows, g.N, g.K, g.alpha, f32.subarray(a), g.lda, b, g.ldb, bias ? 1 : g.beta, f32.subarray(c), g.ldc);
  }
}

/** A last tile of `rows` < g.tile rows, computed as a whole tile: its rows of A and C copied to scratch (zero rows below), then back. */
function paddedTile(blas: Blas, f32: Float32Array, g: TiledGemm, a: number, c: number, rows: number, bias: Float32Array | null, b: Float32Array): void {
  if (g.transA) throw new Error("gemmTiles: padded tiles need op(A) = A");
  const [T, K, N] = [g.tile, g.K, g.N];
  scratchA = scratch(scratchA, T * K);
  scratchC = scratch(scratchC, T * N);
  for (let r = 0; r < rows; r++) scratchA.set(f32.subarray(a + r * g.lda, a + r * g.lda + K), r * K);
  scratchA.fill(0, rows * K, T * K);
  for (let r = 0; r < rows; r++) scratchC.set(bias ?? f32.subarray(c + r * g.ldc, c + r * g.ldc + N), r * N);
  scratchC.fill(0, rows * N, T * N);
  blas.sgemm(false, g.transB, T, N, K, g.alpha, scratchA, K, b, g.ldb, bias ? 1 : g.beta, scratchC, N);
  for (let r = 0; r < rows; r++) f32.set(scratchC.subarray(r * N, r * N + N), c + r * g.ldc);
}

const TILED_KEYS = ["transA", "transB", "N", "K", "alpha", "a", "lda", "b", "ldb", "beta", "c", "ldc", "bias", "tile", "pad"] as const;

/** A "gemmTiles" task's numbers: the product, then its rows [m0, m1). */
export const gemmTilesArgs = (g: TiledGemm, m0: number, m1: number): number[] => [...TILED_KEYS.map((key) => Number(g[key])), m0, m1];

/** What a kernel thread hands a JS task (tasks.ts's KernelSet; not imported, to keep imports one-way). */
type BlasTask = (k: { blas: Blas | null; f32(): Float32Array }, args: ArrayLike<number>) => void;

/** The JS tasks of kernel threads (tasks.ts). */
export const BLAS_TASKS: Record<string, BlasTask> = {
  gemmTiles: (k, args) => {
    if (!k.blas) throw new Error("kernel thread: gemmTiles without a BLAS library");
    const g = Object.fromEntries(TILED_KEYS.map((key, i) => [key, key === "transA" || key === "transB" ? args[i] === 1 : args[i]])) as unknown as TiledGemm;
    gemmTiles(k.blas, k.f32(), g, args[TILED_KEYS.length], args[TILED_KEYS.length + 1]);
  },
};
