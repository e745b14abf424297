// The one table of mitigation-method names. A method has a store name (the folder and the
// `--mitigation` value: none, wd_pre), an analysis key (standard, wdpre: what results, tables
// and figures use) and the paper's label (runs/names.ts). Every translation goes through here.
export interface MethodName {
  /** `--mitigation` value and configuration-folder prefix. */
  store: string;
  /** Key in analysis results; the paper's order is the table's order. */
  key: string;
}

export const METHOD_NAMES: readonly MethodName[] = [
  { store: "none", key: "standard" },
  { store: "mixout", key: "mixout" },
  { store: "llrd", key: "llrd" },
  { store: "reinit", key: "reinit" },
  { store: "wd_pre", key: "wdpre" },
];

/** The paper's order of the methods (analysis keys). */
export const METHOD_ORDER = METHOD_NAMES.map((m) => m.key);

/** Store or analysis name, any case → analysis key; an unknown name (a foreign store's) stays as it is. */
export function methodKey(name: string): string {
  const lower = name.toLowerCase();
  return METHOD_NAMES.find((m) => m.store === lower || m.key === lower)?.key ?? name;
}

/** Analysis key → store name (`--mitigation`), or undefined for a method this project does not train. */
export function methodStoreName(key: string): string | undefined {
  return METHOD_NAMES.find((m) => m.key === key || m.store === key)?.store;
}
