// Parameter groups: which parameters get weight decay and which LR multiplier. Names are the
// Hugging Face checkpoint names, so these rules are the same substring rules as HF's run_glue
// (`no_decay = ["bias", "LayerNorm.weight"]`) and the released LLRD code (method.md §4.2).

export interface ParameterGroup {
  /** A label for logs and errors ("decay", "layer.23/no_decay", "head", …). */
  name: string;
  /** Parameter names (keys of the model's parameter map). */
  params: string[];
  /** This group's LR is baseLr · f(t) · lrScale. */
  lrScale: number;
  /** Decoupled weight-decay rate λ (0 = no decay). */
  weightDecay: number;
}

/** Biases and LayerNorm weights are not decayed (HF's substring rule). */
export function isNoDecay(name: string): boolean {
  return name.includes("bias") || name.includes("LayerNorm.weight");
}

/** The head in the paper's sense: every parameter whose name contains `classifier` or `pooler`. */
export function isHead(name: string): boolean {
  return name.includes("classifier") || name.includes("pooler");
}

const LAYER_RE = /(?:^|\.)encoder\.layer\.(\d+)\./;

/** 0-based encoder block index of a parameter (HF `encoder.layer.N.`), or null. */
export function encoderLayerIndex(name: string): number | null {
  const m = LAYER_RE.exec(name);
  return m ? Number(m[1]) : null;
}

/** Number of encoder blocks L, from the names (max index + 1); checks that none is missing. */
export function countEncoderLayers(names: Iterable<string>): number {
  const seen = new Set<number>();
  for (const n of names) {
    const i = encoderLayerIndex(n);
    if (i !== null) seen.add(i);
  }
  const L = seen.size === 0 ? 0 : Math.max(...seen) + 1;
  for (let i = 0; i < L; i++) {
    if (!seen.has(i)) throw new Error(`parameter names skip encoder block ${i} (found blocks up to ${L - 1}); the model's parameter map is incomplete`);
  }
  return L;
}

/** The standard two groups: decay (λ) and no-decay (biases, LayerNorm weights), both at the base LR. */
export function standardGroups(names: Iterable<string>, weightDecay = 0.01): ParameterGroup[] {
  const decay: string[] = [];
  const noDecay: string[] = [];
  for (const n of names) (isNoDecay(n) ? noDecay : decay).push(n);
  return [
    { name: "decay", params: decay, lrScale: 1, weightDecay },
    { name: "no_decay", params: noDecay, lrScale: 1, weightDecay: 0 },
  ].filter((g) => g.params.length > 0);
}

export interface LlrdOptions {
  /** η, the per-block LR decay (0.95 in the paper). */
  decay?: number;
  /** λ for decayed parameters inside blocks and embeddings. */
  weightDecay?: number;
  /** L; by default counted from the names. */
  numLayers?: number;
}

/**
 * Layer-wise LR decay (method.md §4.2): head (classifier/pooler) at the base LR without decay;
 * block L (the top, HF index L−1) at η, block L−i at η^(i+1), embeddings at η^(L+1). Inside each
 * block and the embeddings the usual decay / no-decay split applies.
 */
export function llrdGroups(names: Iterable<string>, options: LlrdOptions = {}): ParameterGroup[] {
  const eta = options.decay ?? 0.95;
  const weightDecay = options.weightDecay ?? 0.01;
  const list = [...names];
  if (!(eta > 0 && eta <= 1)) throw new Error(`LLRD decay η must lie in (0, 1], got ${eta}`);
  const L = options.numLayers ?? countEncoderLayers(list);
  const head: string[] = [];
  const blocks: { decay: string[]; noDecay: string[] }[] = Array.from({ length: L + 1 }, () => ({ decay: [], noDecay: [] }));
  // blocks[0] holds the embeddings, blocks[i + 1] HF block i.
  for (const n of list) {
    let slot: number;
    if (isHead(n)) {
      head.push(n);
      continue;
    }
    const i = encoderLayerIndex(n);
    if (i !== null) {
      if (i >= L) throw new Error(`parameter ${n} is in encoder block ${i}, but numLayers is ${L}`);
      slot = i + 1;
    } else if (n.includes("embeddings.")) {
      slot = 0;
    } else {
      throw new Error(`LLRD cannot place parameter ${n}: it is neither head (classifier/pooler), an encoder block (encoder.layer.N) nor embeddings`);
    }
    (isNoDecay(n) ? blocks[slot].noDecay : blocks[slot].decay).push(n);
  }
  const groups: ParameterGroup[] = [];
  if (head.length > 0) groups.push({ name: "head", params: head, lrScale: 1, weightDecay: 0 });
  for (let slot = L; slot >= 0; slot--) {
    const depthFromTop = L - slot; // top block: 0 → η^1; embeddings (slot 0): L → η^(L+1)
    const lrScale = Math.pow(eta, depthFromTop + 1);
    const label = slot === 0 ? "embeddings" : `layer.${slot - 1}`;
    const { decay, noDecay } = blocks[slot];
    if (decay.length > 0) groups.push({ name: `${label}/decay`, params: decay, lrScale, weightDecay });
    if (noDecay.length > 0) groups.push({ name: `${label}/no_decay`, params: noDecay, lrScale, weightDecay: 0 });
  }
  return groups;
}

/** Checks that the groups cover every parameter exactly once and name no unknown one. */
export function validateGroups(groups: ParameterGroup[], names: Iterable<string>): void {
  const known = new Set(names);
  const owner = new Map<string, string>();
  for (const g of groups) {
    if (!(g.lrScale >= 0) || !Number.isFinite(g.lrScale)) throw new Error(`parameter group ${g.name}: lrScale must be a finite number ≥ 0, got ${g.lrScale}`);
    if (!(g.weightDecay >= 0) || !Number.isFinite(g.weightDecay)) throw new Error(`parameter group ${g.name}: weightDecay must be a finite number ≥ 0, got ${g.weightDecay}`);
    for (const p of g.params) {
      if (!known.has(p)) throw new Error(`parameter group ${g.name} names ${p}, which is not a model parameter`);
      const prev = owner.get(p);
      if (prev !== undefined) throw new Error(`parameter ${p} is in two groups: ${prev} and ${g.name}`);
      owner.set(p, g.name);
    }
  }
  for (const n of known) {
    if (!owner.has(n)) throw new Error(`parameter ${n} is in no parameter group; every trainable parameter needs one`);
  }
}
