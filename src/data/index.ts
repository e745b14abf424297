// Public API of src/data. Re-export what users and other layers may call.
export {};
