// The SIMD gemm's variants (src/model/kernels/gemm.ts) against the wasm backend's own matMul
// (XNNPACK) on the products of a training step (rows = seq·batch = 2048), in GFLOP/s of process
// CPU time, measured in the same run. The plain 4 × 8 variant is the kernel before relaxed SIMD;
// "packed B" is an FMA kernel on B packed into panels, in 120-row blocks, as the linear layers run
// it (3 × 12 where N % 12 = 0, else 4 × 8).
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../src/model";
import { GEMM_FMA, GEMM_FMA_12, GEMM_PLAIN, type GemmFn, type GemmVariant, type PackPanelsFn, gemmColumns, gemmFn, packPanelsFn } from "../src/model/kernels/gemm";
import { instantiateKernels, newWasmMemory } from "../src/model/kernels/runtime";

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** GFLOP/s of f() for a product of 2·M·N·K flops (after warm-up calls, so V8 has tiered up). */
function gflops(flops: number, f: () => void): number {
  const reps = Math.max(3, Math.round(3e9 / flops));
  for (let i = 0; i < 3; i++) f();
  const t0 = cpuMs();
  for (let i = 0; i < reps; i++) f();
  return (flops * reps) / ((cpuMs() - t0) * 1e6);
}

async function main(): Promise<void> {
  await initBackend();
  const memory = newWasmMemory(2048);
  const f = new Float32Array(memory.buffer);
  const variants: [string, GemmVariant][] = [["fma 4×8", GEMM_FMA], ["plain 4×8", GEMM_PLAIN], ["fma 3×12", GEMM_FMA_12]];
  const pack = (() => {
    try {
      return instantiateKernels([packPanelsFn()], memory).packPanels as PackPanelsFn;
    } catch {
      return null;
    }
  })();
  const kernels = variants.map(([label, v]) => {
    try {
      return [label, v, instantiateKernels([gemmFn(v)], memory).gemm as GemmFn] as const;
    } catch {
      return [label, v, null] as const;
    }
  });
  // [M, N, K]: forward x·Wᵀ and backward dx = dy·W, dW = dyᵀ·x (in K-blocks of 128) of the two bench shapes.
  for (const [M, N, K] of [[2048, 128, 128], [2048, 512, 128], [2048, 128, 512], [128, 512, 128], [2048, 384, 384], [2048, 1536, 384], [2048, 384, 1536]]) {
    const a = 0, b = 4 * M * K, c = b + 4 * K * N;
    for (let i = 0; i < M * K + K * N; i++) f[i] = Math.sin(i * 0.37);
    const flops = 2 * M * N * K;
    const x = tf.randomNormal([M, K]), w = tf.randomNormal([K, N]);
    // (tidy must not return the data: it would walk every element looking for tensors)
    const xnn = gflops(flops, () => tf.tidy(() => void tf.matMul(x, w).dataSync()));
    tf.dispose([x, w]);
    const parts = [`XNNPACK (tf.matMul) ${xnn.toFixed(1)} GFLOP/s`];
    for (const [label, v, g] of kernels) {
      const W = gemmColumns(v);
      if (N % W !== 0) continue;
      if (!g) {
        parts.push(`${label}: does not compile here`);
        continue;
      }
      const r = gflops(flops, () => g(a, 4 * K, 4, v.rows * 4 * K, b, 4 * N, 4 * W, c, 4 * N, 0, 0, M, N, K, 1));
      parts.push(`${label} ${r.toFixed(1)} GFLOP/s = ${(r / xnn).toFixed(2)}× XNNPACK`);
      if (!v.fma || !pack || (N % 12 === 0) !== (W === 12)) continue;
      // What ops/linear-fused.ts runs: B packed into W-column panels (the packing timed too), 120-row blocks.
      const bp = c + 4 * M * N;
      const packed = gflops(flops, () => {
        pack(b, 4 * N, 4, bp, K, N, W);
        for (let m0 = 0; m0 < M; m0 += 120) g(a + m0 * 4 * K, 4 * K, 4, v.rows * 4 * K, bp, 4 * W, 4 * W * K, c + m0 * 4 * N, 4 * N, 0, 0, Math.min(120, M - m0), N, K, 1);
      });
      parts.push(`${label} packed B ${packed.toFixed(1)} GFLOP/s`);
    }
    process.stdout.write(`M=${M} N=${N} K=${K}: ${parts.join(" | ")}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
  process.exit(1);
});
