// Public API of src/model. Re-export what users and other layers may call.
export {};
