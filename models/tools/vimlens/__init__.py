"""Vision Mamba (Vim) reference model, checkpoint loader and ONNX explainer-graph builder for Mamba Lens."""
