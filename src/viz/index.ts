// Public API of src/viz. Re-export what users and other layers may call.
export {};
