// Public API of src/train. Re-export what users and other layers may call.
export * from "./schedule";
export * from "./adamw";
export * from "./clipGradients";
export * from "./parameterGroups";
export * from "./update";
export * from "./mitigation";
export * from "./pretrain";
