// Public API of src/runs. Re-export what users and other layers may call.
export {};
