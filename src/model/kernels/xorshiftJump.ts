// The dropout masks' xorshift128 (kernels/dropout.ts) jumped ahead by n steps, so that threads can
// each write their own range of one mask from the state the serial loop would have there: the
// same bytes as one thread. A step is linear over the 128 state bits (shifts and XORs), so n steps
// are the matrix Tⁿ over GF(2); Tⁿ is a product of the powers T^(2^k), each kept as its 128 columns
// (the images of the 128 one-bit states) after the first use.

/** x, y, z, w as uint32. */
export type XorshiftState = [number, number, number, number];

/** One step of the generator (ops/dropout.ts's loop). */
export function xorshiftStep([x, y, z, w]: XorshiftState): XorshiftState {
  const t = (x ^ (x << 11)) >>> 0;
  return [y, z, w, (w ^ (w >>> 19) ^ t ^ (t >>> 8)) >>> 0];
}

/** A linear map of states: column j (4 words at 4j) is the image of state bit j (word j >> 5, bit j & 31). */
type LinearMap = Uint32Array;

function apply(m: LinearMap, s: ArrayLike<number>): XorshiftState {
  let [a, b, c, d] = [0, 0, 0, 0];
  for (let word = 0; word < 4; word++) {
    const v = s[word] >>> 0;
    for (let bit = 0; bit < 32; bit++) {
      if (((v >>> bit) & 1) === 0) continue;
      const at = 4 * (32 * word + bit);
      a ^= m[at];
      b ^= m[at + 1];
      c ^= m[at + 2];
      d ^= m[at + 3];
    }
  }
  return [a >>> 0, b >>> 0, c >>> 0, d >>> 0];
}

/** T^(2^k) for k = 0, 1, …, grown as jumps need them. */
const powers: LinearMap[] = [];

function power(k: number): LinearMap {
  while (powers.length <= k) {
    const m = new Uint32Array(512);
    for (let j = 0; j < 128; j++) {
      let image: XorshiftState;
      if (powers.length === 0) {
        const basis: XorshiftState = [0, 0, 0, 0];
        basis[j >> 5] = (1 << (j & 31)) >>> 0;
        image = xorshiftStep(basis);
      } else {
        const last = powers[powers.length - 1];
        image = apply(last, last.subarray(4 * j, 4 * j + 4)); // T^(2^k) = T^(2^(k−1)) ∘ T^(2^(k−1))
      }
      m.set(image, 4 * j);
    }
    powers.push(m);
  }
  return powers[k];
}

/** The state n steps after `s` (n a whole number below 2^53). */
export function xorshiftJump(s: XorshiftState, n: number): XorshiftState {
  if (!(Number.isInteger(n) && n >= 0)) throw new Error(`xorshiftJump: ${n} is not a number of steps`);
  let state: XorshiftState = [s[0] >>> 0, s[1] >>> 0, s[2] >>> 0, s[3] >>> 0];
  for (let k = 0, rest = n; rest > 0; k++, rest = Math.floor(rest / 2)) {
    if (rest % 2 === 1) state = apply(power(k), state);
  }
  return state;
}
