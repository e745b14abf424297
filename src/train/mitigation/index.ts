// The paper's four instability mitigation methods and their single configuration point.
export * from "./mitigation";
export * from "./mixout";
export * from "./llrd";
export * from "./reinit";
export * from "./wdPre";
export { registerMitigationMethod, mitigationMethods, mitigationNames, mitigationMethod } from "./registry";
export type { MitigationMethod, MitigationMethodData, HyperParameter } from "./method";
