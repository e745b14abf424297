// Public API of src/measures. Re-export what users and other layers may call.
export {};
