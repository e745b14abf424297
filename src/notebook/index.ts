// Public API of src/notebook. Re-export what users and other layers may call.
export {};
