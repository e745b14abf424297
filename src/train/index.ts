// Public API of src/train. Re-export what users and other layers may call.
export {};
