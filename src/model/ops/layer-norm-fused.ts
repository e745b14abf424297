// LayerNorm forward and backward as two wasm-backend kernels: one JS pass per row over the
// backend's memory instead of ~10 tfjs kernels each way (and no transposes for the axis-0 sums
// of the parameter gradients). Row statistics are accumulated in float64, so results agree with
// layer-norm.ts's float32 composite op to rounding (test/model/fusedOps.test.ts).
import * as tf from "@tensorflow/tfjs";
import { fusedKernels } from "../kernels/runtime";

const FORWARD = "InstabilityLayerNorm";
const BACKWARD = "InstabilityLayerNormGrad";
let registered = false;

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; attrs: Record<string, unknown> };

// inputs x [n, d], gamma, beta [d] → y [n, d], xhat [n, d], rstd [n]
function forwardKernel({ inputs, attrs }: KernelArgs): tf.TensorInfo[] {
  const fk = fusedKernels()!;
  const [n, d] = inputs.x.shape;
  const eps = attrs.eps as number;
  const outs = [fk.output([n, d]), fk.output([n, d]), fk.output([n])];
  const f = fk.f32();
  const [x, g, b] = [inputs.x, inputs.gamma, inputs.beta].map((t) => fk.ptr(t) >> 2);
  const [y, xh, rs] = outs.map((t) => fk.ptr(t) >> 2);
  for (let r = 0; r < n; r++) {
    const row = x + r * d, out = y + r * d, hat = xh + r * d;
    let sum = 0;
    for (let j = 0; j < d; j++) sum += f[row + j];
    const mean = sum / d;
    let sq = 0;
    for (let j = 0; j < d; j++) {
      const c = f[row + j] - mean;
      sq += c * c;
    }
    const rstd = 1 / Math.sqrt(sq / d + eps);
    f[rs + r] = rstd;
    for (let j = 0; j < d; j++) {
      const h = (f[row + j] - mean) * rstd;
      f[hat + j] = h;
      f[out + j] = h * f[g + j] + f[b + j];
    }
  }
  return outs;
}

// inputs dy, xhat [n, d], rstd [n], gamma [d] → dx [n, d], dgamma, dbeta [d]
function backwardKernel({ inputs }: KernelArgs): tf.TensorInfo[] {
  const fk = fusedKernels()!;
  const [n, d] = inputs.dy.shape;
  const outs = [fk.output([n, d]), fk.output([d]), fk.output([d])];
  const f = fk.f32();
  const [dy, xh, rs, g] = [inputs.dy, inputs.xhat, inputs.rstd, inputs.gamma].map((t) => fk.ptr(t) >> 2);
  const [dx, dg, db] = outs.map((t) => fk.ptr(t) >> 2);
  const sg = new Float64Array(d), sb = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const gr = dy + r * d, hr = xh + r * d, out = dx + r * d;
    let sumD = 0, sumDX = 0;
    for (let j = 0; j < d; j++) {
      const dyj = f[gr + j], h = f[hr + j];
      const dh = dyj * f[g + j];
      sumD += dh;
      sumDX += dh * h;
      sg[j] += dyj * h;
      sb[j] += dyj;
    }
    const meanD = sumD / d, meanDX = sumDX / d, rstd = f[rs + r];
    for (let j = 0; j < d; j++) f[out + j] = rstd * (f[gr + j] * f[g + j] - meanD - f[hr + j] * meanDX);
  }
  for (let j = 0; j < d; j++) {
    f[dg + j] = sg[j];
    f[db + j] = sb[j];
  }
  return outs;
}

function registerOnce(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({ kernelName: FORWARD, backendName: "wasm", kernelFunc: forwardKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: BACKWARD, backendName: "wasm", kernelFunc: backwardKernel as unknown as tf.KernelFunc });
}

/** [y, xhat, rstd] of LayerNorm over the last axis of x [n, d]. */
export function fusedLayerNormForward(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor[] {
  registerOnce();
  return tf.engine().runKernel(FORWARD, { x, gamma, beta } as unknown as tf.NamedTensorMap, { eps }) as unknown as tf.Tensor[];
}

/** [dx, dgamma, dbeta]. */
export function fusedLayerNormBackward(dy: tf.Tensor, xhat: tf.Tensor, rstd: tf.Tensor, gamma: tf.Tensor): tf.Tensor[] {
  registerOnce();
  return tf.engine().runKernel(BACKWARD, { dy, xhat, rstd, gamma } as unknown as tf.NamedTensorMap, {}) as unknown as tf.Tensor[];
}
