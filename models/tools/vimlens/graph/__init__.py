"""ONNX graph construction for the explainer (built directly with onnx.helper, no PyTorch export)."""
