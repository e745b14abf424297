// A CBLAS library's sgemm for the linear layers' matrix products (gemm-tiles.ts) — OpenBLAS, the BLAS that NumPy
// and PyTorch use on a CPU — called through koffi (an FFI whose npm package carries its compiled
// binaries, so nothing is built or downloaded at install). WebAssembly's 128-bit SIMD caps our own
// gemm (gemm.ts) at about half of what OpenBLAS's AVX2/AVX-512 kernels do on the same core
// (bench/PROFILE.md), and the linear layers are most of a step's arithmetic.
//
// INSTABILITY_BLAS picks the library: unset or "auto" finds OpenBLAS (libopenblas.so.0, as
// Debian's libopenblas0 installs it) and otherwise uses our gemm; "0" always uses our gemm; a
// path names a CBLAS library (it must export cblas_sgemm and run it on the calling thread).
// Either way the library is used only where a row's result has the same bytes wherever the row
// sits in a call (keepsRowBytes): the tiles rely on it (gemm-tiles.ts). OpenBLAS 0.3.21's
// Haswell/Zen kernels do not (a Zen 1 EPYC); its SkylakeX kernels do.

import { envSwitch } from "../../util/envSwitch";

/**
 * Rows of every call computing a linear layer's y or dx (gemm-tiles.ts; the last tile padded to
 * it): the calls keepsRowBytes checks a library at.
 */
export const ROW_TILE = 64;

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
  const v = envSwitch("INSTABILITY_BLAS");
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
  const description = config ? [`OpenBLAS${version ? ` ${version}` : ""}`, core ? `(${core})` : ""].filter(Boolean).join(" ") : library;
  return {
    library,
    description,
    sgemm(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc) {
      sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc);
    },
  };
}

/**
 * Whether `blas` gives each row of C = A·Bᵀ the same bytes wherever the row sits in a call: a tile
 * of ROW_TILE rows against the same rows one place further down. Skipped padded positions,
 * first-token layers and length-sorted batches move a row within its tile, and tests compare
 * their bytes with the full layer's (gemm-tiles.ts). Shapes of a small model's layers.
 */
export function keepsRowBytes(blas: Pick<Blas, "sgemm">): boolean {
  let state = 12345; // a fixed LCG: the check is the same in every process
  const value = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5);
  for (const [N, K] of [[48, 24], [128, 128]]) {
    const [M, w] = [ROW_TILE, Float32Array.from({ length: N * K }, value)];
    const a = Float32Array.from({ length: M * K }, value);
    const shifted = new Float32Array(M * K);
    shifted.set(a.subarray(0, (M - 1) * K), K); // row r of a is row r + 1 here
    const [c, cs] = [new Float32Array(M * N), new Float32Array(M * N)];
    blas.sgemm(false, true, M, N, K, 1, a, K, w, K, 0, c, N);
    blas.sgemm(false, true, M, N, K, 1, shifted, K, w, K, 0, cs, N);
    const [bytes, shiftedBytes] = [new Uint8Array(c.buffer, 0, 4 * (M - 1) * N), new Uint8Array(cs.buffer, 4 * N)];
    if (!bytes.every((b, i) => b === shiftedBytes[i])) return false;
  }
  return true;
}

/** Libraries loaded so far, by INSTABILITY_BLAS's setting (null: none there). */
const bySetting = new Map<string, Blas | null>();

/** Why INSTABILITY_BLAS=auto found OpenBLAS and did not use it, or null. */
let autoSkipped: string | null = null;
/** What the startup line says when OpenBLAS was found but not used (null where it was not found or is used). */
export const skippedBlas = (): string | null => autoSkipped;

const NOT_ROW_INVARIANT = "gives a row different bytes at different places in a call on this CPU";

/** OpenBLAS where the dynamic linker or a usual place has it and keepsRowBytes, else null. */
function findOpenBlas(): Blas | null {
  if (!koffi()) return null;
  for (const name of OPENBLAS_NAMES) {
    let blas: Blas;
    try {
      blas = loadBlas(name);
    } catch {
      continue; // not here: try the next name
    }
    if (keepsRowBytes(blas)) return blas;
    autoSkipped = `${blas.description} not used: it ${NOT_ROW_INVARIANT}`;
    return null;
  }
  return null;
}

/**
 * The Blas that INSTABILITY_BLAS asks for (each library loaded once), or null for our gemm. Asked
 * at every product, so that a process (a test) can switch between the two (refreshEnvSwitches).
 */
export function processBlas(): Blas | null {
  const setting = blasSetting();
  if (setting === null) return null;
  if (setting === "auto") return findOpenBlasOnce();
  if (!bySetting.has(setting)) {
    const blas = loadBlas(setting);
    if (!keepsRowBytes(blas)) throw new Error(`INSTABILITY_BLAS=${setting}: its sgemm ${NOT_ROW_INVARIANT}, so skipped padded rows would change results; set INSTABILITY_BLAS=0 (our gemm) or auto`);
    bySetting.set(setting, blas);
  }
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
