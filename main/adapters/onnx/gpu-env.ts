/**
 * TF32 off on the GPU, so that CUDA and CPU results agree within the conformance tolerances. ORT's CUDA
 * provider lets cuBLAS/cuDNN use TF32 (10-bit mantissa) for float32 matrix products by default
 * (`use_tf32`); on an H100 that moved the explainer's outputs by up to 7.9e-4 (issue 14), beyond the
 * 1e-4 for logits and gradients. onnxruntime-node hands the CUDA provider only `deviceId`
 * (js/node/src/session_options_helper.cc), so the switch is NVIDIA's override, read by cuBLAS and cuDNN
 * when they start: NVIDIA_TF32_OVERRIDE=0 disables TF32 whatever a program asks for. It must be in the
 * real process environment before the first CUDA session; worker threads see a copy of process.env, so
 * the thread that starts them calls this too. `MAMBA_LENS_TF32=1` keeps TF32 (faster, less exact); an
 * NVIDIA_TF32_OVERRIDE set by the user is left as it is.
 */
export function exactGpuArithmetic(env: NodeJS.ProcessEnv = process.env): void {
  if (env['MAMBA_LENS_TF32'] === '1') return
  env['NVIDIA_TF32_OVERRIDE'] ??= '0'
}
