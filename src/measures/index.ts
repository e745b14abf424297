// Public API of src/measures: the seven instability measures of Du & Nguyen (2023), the
// representation measures people compare them with (PWCCA, RBF and biased linear CKA, the angular
// Procrustes metric, RSA) and the task metrics, as pure functions over typed arrays (no tfjs).
// See docs/method.md §5.
export * from "./taskMetrics";
export * from "./standardDeviation";
export * from "./pairs";
export * from "./pairwiseDisagreement";
export * from "./fleissKappa";
export * from "./jensenShannon";
export * from "./linearCka";
export * from "./orthogonalProcrustes";
export * from "./svcca";
export * from "./pwcca";
export * from "./kernelCka";
export * from "./procrustesAngle";
export * from "./rsa";
export * from "./knnAlignment";
export * from "./measureDefinition";
export * from "./registry";
export * from "./representation";
export * from "./parallelLayers";
export * from "./runMeasures";
export { dot, gram, centerGram, pivotedCholeskyRows } from "./linalg";
export { symmetricEigen, symmetricEigenvalues } from "./symmetricEigen";
