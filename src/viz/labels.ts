// The paper's spellings live in runs/names.ts (the analyses use them too); viz re-exports them.
export * from "../runs/names";
