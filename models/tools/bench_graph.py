"""CPU benchmark of an explainer graph with Python onnxruntime (used on the GPU machine's CPU, where
onnxruntime-node is not installed). Prints and writes JSON: session creation, run latency, peak RSS.

    python3 models/tools/bench_graph.py models/vim-tiny-conformance.onnx OUT.json [threads ...]
"""
import json
import os
import platform
import resource
import sys
import time

import numpy as np
import onnxruntime as ort

model, out = sys.argv[1], sys.argv[2]
threads = [int(t) for t in sys.argv[3:]] or [2, os.cpu_count()]
forward = model.endswith(".forward.onnx")  # the forward-only variant: described by its base model's card, no target input
card = json.load(open(model.replace(".forward.onnx", ".onnx").replace(".onnx", ".json")))
shape = card["input"]["shape"]
image = np.sin(np.arange(np.prod(shape), dtype=np.float32)).reshape(shape) * 1.5
target = np.zeros(len(card["classes"]), np.float32)
results = []
for n in threads:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = n
    opts.add_session_config_entry("session.set_denormal_as_zero", "1")  # as the app (main/adapters/onnx/session.ts)
    t = time.perf_counter()
    sess = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
    create = time.perf_counter() - t
    runs = []
    for i in range(6):
        t = time.perf_counter()
        sess.run(None, {"image": image} if forward else {"image": image, "target": target})
        if i:
            runs.append(time.perf_counter() - t)
    results.append({"threads": n, "sessionCreateMs": round(create * 1e3), "runMsMedian": round(float(np.median(runs)) * 1e3),
                    "runMsMin": round(min(runs) * 1e3)})
    del sess
res = {"model": card["name"], "variant": "forward" if forward else "full",
       "sha256": card["forwardGraph"]["sha256"] if forward else card["sha256"], "cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
       "onnxruntime": ort.__version__, "peakRssMB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "results": results}
print(json.dumps(res, indent=1))
json.dump(res, open(out, "w"), indent=1)
