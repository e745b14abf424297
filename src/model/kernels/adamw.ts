// One AdamW update of n floats in WebAssembly SIMD (src/train/adamwFused.ts calls it per
// parameter). The arithmetic is float64, two lanes at a time, in exactly the order and with
// exactly the roundings of the JS formula it replaced, so the stored float32s are the same bytes:
//   m' = f32(m·β1 + g·gScaleM);  v' = f32(v·β2 + (g·g)·gScaleV)
//   θ' = f32((θ − (m' / (√v' + ε))·stepSize)·keep)
// Every product and sum is rounded separately (no FMA), as JS evaluates it; the float32s are
// widened exactly, and the demotions round to nearest even, as a Float32Array store does.
import { type Fn, F64, I32, V128, advance, op } from "./assemble";

// Parameters: byte addresses of θ, m, v, g and of the three outputs, the count, the scalars.
const [P, M, VV, G, PO, MO, VO, N] = [0, 1, 2, 3, 4, 5, 6, 7];
const [B1, B2, EPS, GSM, GSV, SS, KEEP] = [8, 9, 10, 11, 12, 13, 14];
// Locals: the loop's end address; the scalars splatted; per pair g (f64x2), m', v' (float32s).
const END = 15;
const [XB1, XB2, XEPS, XGSM, XGSV, XSS, XKEEP, XG, XM, XV] = [16, 17, 18, 19, 20, 21, 22, 23, 24, 25];
// Locals of the scalar last element: g (f64), m', v' (f32, kept in f64 locals widened).
const [SG, SM, SV] = [26, 27, 28];
const PTRS = [P, M, VV, G, PO, MO, VO];

const widen = (local: number, offset: number) => [...op.get(local), ...op.load64ZeroAt(offset), ...op.f64x2PromoteLowF32x4];

/** Two elements at byte offset `o` from every pointer. */
const pair = (o: number) => [
  ...widen(G, o), ...op.set(XG),
  // m' = f32(m·β1 + g·gScaleM)
  ...op.get(MO),
  ...widen(M, o), ...op.get(XB1), ...op.f64x2Mul, ...op.get(XG), ...op.get(XGSM), ...op.f64x2Mul, ...op.f64x2Add,
  ...op.f32x4DemoteF64x2Zero, ...op.tee(XM), ...op.store64LowAt(o),
  // v' = f32(v·β2 + (g·g)·gScaleV)
  ...op.get(VO),
  ...widen(VV, o), ...op.get(XB2), ...op.f64x2Mul, ...op.get(XG), ...op.get(XG), ...op.f64x2Mul, ...op.get(XGSV), ...op.f64x2Mul, ...op.f64x2Add,
  ...op.f32x4DemoteF64x2Zero, ...op.tee(XV), ...op.store64LowAt(o),
  // θ' = f32((θ − (m' / (√v' + ε))·stepSize)·keep), m' and v' as stored
  ...op.get(PO),
  ...widen(P, o),
  ...op.get(XM), ...op.f64x2PromoteLowF32x4,
  ...op.get(XV), ...op.f64x2PromoteLowF32x4, ...op.f64x2Sqrt, ...op.get(XEPS), ...op.f64x2Add,
  ...op.f64x2Div, ...op.get(XSS), ...op.f64x2Mul, ...op.f64x2Sub, ...op.get(XKEEP), ...op.f64x2Mul,
  ...op.f32x4DemoteF64x2Zero, ...op.store64LowAt(o),
];

const scalarLoad = (local: number) => [...op.get(local), ...op.f32Load, ...op.f64PromoteF32];
/** `f64(f32(top of stack))`: the value a Float32Array store then load gives. */
const roundF32 = [...op.f32DemoteF64, ...op.f64PromoteF32];

/** The same formula on the one element at offset 0 (scalar float64). */
const single = [
  ...scalarLoad(G), ...op.set(SG),
  ...scalarLoad(M), ...op.get(B1), ...op.f64Mul, ...op.get(SG), ...op.get(GSM), ...op.f64Mul, ...op.f64Add, ...roundF32, ...op.set(SM),
  ...scalarLoad(VV), ...op.get(B2), ...op.f64Mul, ...op.get(SG), ...op.get(SG), ...op.f64Mul, ...op.get(GSV), ...op.f64Mul, ...op.f64Add, ...roundF32, ...op.set(SV),
  ...op.get(MO), ...op.get(SM), ...op.f32DemoteF64, ...op.f32Store,
  ...op.get(VO), ...op.get(SV), ...op.f32DemoteF64, ...op.f32Store,
  ...op.get(PO),
  ...scalarLoad(P),
  ...op.get(SM), ...op.get(SV), ...op.f64Sqrt, ...op.get(EPS), ...op.f64Add, ...op.f64Div, ...op.get(SS), ...op.f64Mul, ...op.f64Sub, ...op.get(KEEP), ...op.f64Mul,
  ...op.f32DemoteF64, ...op.f32Store,
];

export function adamwFn(): Fn {
  const splat = (from: number, to: number) => [...op.get(from), ...op.f64x2Splat, ...op.set(to)];
  const body = [
    ...splat(B1, XB1), ...splat(B2, XB2), ...splat(EPS, XEPS), ...splat(GSM, XGSM), ...splat(GSV, XGSV), ...splat(SS, XSS), ...splat(KEEP, XKEEP),
    // Four elements per iteration (two pairs) while g < g + 4·⌊n/4⌋ floats.
    ...op.get(G), ...op.get(N), ...op.i32(-4), ...op.i32And, ...op.i32(4), ...op.i32Mul, ...op.i32Add, ...op.set(END),
    ...op.block,
    ...op.loop,
    ...op.get(G), ...op.get(END), ...op.i32GeU, ...op.brIf(1),
    ...pair(0), ...pair(8),
    ...PTRS.flatMap((p) => advance(p, 16)),
    ...op.br(0),
    ...op.end,
    ...op.end,
    // n % 4 ≥ 2: one more pair; n odd: the last element.
    ...op.get(N), ...op.i32(2), ...op.i32And,
    ...op.if, ...pair(0), ...PTRS.flatMap((p) => advance(p, 8)), ...op.end,
    ...op.get(N), ...op.i32(1), ...op.i32And,
    ...op.if, ...single, ...op.end,
  ];
  return {
    name: "adamw",
    params: [I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64],
    locals: [I32, ...new Array<number>(10).fill(V128), F64, F64, F64],
    body,
  };
}

/** θ, m, v, g, θ', m', v' are byte addresses of n floats (float-aligned, any n ≥ 0). */
export type AdamWFn = (
  param: number, m: number, v: number, g: number,
  paramOut: number, mOut: number, vOut: number, n: number,
  beta1: number, beta2: number, eps: number, gScaleM: number, gScaleV: number, stepSize: number, keep: number,
) => void;
