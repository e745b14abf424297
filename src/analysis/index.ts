// Public API of src/analysis. Re-export what users and other layers may call.
export {};
