// The priority queue of the WordPiece trainer (trainer.ts): symbol pairs by count.

/** Max-heap of pairs by count, ties to the smaller (a, b) — HF's merge order. */
export class PairHeap {
  private readonly items: { count: number; a: number; b: number }[] = [];
  get size(): number {
    return this.items.length;
  }
  private before(i: number, j: number): boolean {
    const x = this.items[i];
    const y = this.items[j];
    if (x.count !== y.count) return x.count > y.count;
    return x.a !== y.a ? x.a < y.a : x.b < y.b;
  }
  push(count: number, a: number, b: number): void {
    const it = this.items;
    it.push({ count, a, b });
    for (let i = it.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.before(i, p)) break;
      [it[i], it[p]] = [it[p], it[i]];
      i = p;
    }
  }
  pop(): { count: number; a: number; b: number } | undefined {
    const it = this.items;
    const top = it[0];
    const last = it.pop();
    if (it.length > 0 && last) {
      it[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < it.length && this.before(l, m)) m = l;
        if (r < it.length && this.before(r, m)) m = r;
        if (m === i) break;
        [it[i], it[m]] = [it[m], it[i]];
        i = m;
      }
    }
    return top;
  }
}
