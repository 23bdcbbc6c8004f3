"""Model statements: CREATE/SHOW/DROP MODEL, training, ONNX compilation and serving."""
