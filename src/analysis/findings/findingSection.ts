// A finding section: its id and title (typed once, here: the report's heading, the notebooks' and
// the finding's own) and how it is computed from a run store. Each finding's file defines its
// section; the report joins each with its rendering in its one table of sections, which also
// gives their order (report/sectionRegistry.ts), since analysis draws nothing (ARCHITECTURE.md).
import type { SdAgreementOptions } from "../agreement";
import type { BootstrapOptions } from "../bootstrap";
import type { FailureOptions } from "../failedRuns";
import type { RunStore } from "../store";
import type { SubsamplingOptions } from "../subsampling";
import type { Finding } from "./finding";

export interface FindingsOptions {
  /** Optional representation measures in the convergent-validity section (default the paper's three only). */
  measures?: readonly string[];
  bootstrap?: BootstrapOptions;
  subsampling?: SubsamplingOptions;
  failure?: FailureOptions;
  agreement?: SdAgreementOptions;
}

/** What every section computes from: the store, the options, and results several sections share. */
export class SectionInputs {
  private readonly memo = new Map<string, unknown>();

  constructor(readonly store: RunStore, readonly options: FindingsOptions = {}) {}

  /**
   * A result several sections read (the bootstrap, the benchmarks), computed by the first that
   * asks; one that threw is computed again by the next (each section reports its own failure).
   */
  shared<T>(key: string, make: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key) as T;
  }
}

/** A section's result: its finding (the benchmark section has none) and the data its figures and tables draw. */
export interface SectionResult {
  finding?: Finding;
  data: unknown;
}

export interface FindingSection<Id extends string = string, R extends SectionResult = SectionResult> {
  id: Id;
  title: string;
  compute(inputs: SectionInputs): R;
}

/** Declares a section (keeps its id a literal type, so the report's table knows its ids). */
export function findingSection<Id extends string, R extends SectionResult>(s: FindingSection<Id, R>): FindingSection<Id, R> {
  return s;
}
