#!/usr/bin/env python3
"""PyTorch peer of `pnpm bench --peer torch`: the bench's cases in PyTorch (CPU, float32, NCHW).

Usage:
    peer_torch.py CASE [--threads N] [--warmup N] [--warmup-seconds S] [--repeats N] [--timed-seconds S]
    peer_torch.py --check

Builds the network of CASE as @pg/nets builds it (packages/nets/src/unet.ts, mlp.ts), asserts its parameter count,
and times steps with the same rule as the TypeScript side (src/step_schedule.ts): warm-up steps until at least
--warmup of them AND --warmup-seconds have passed, then timed steps until at least --repeats of them AND
--timed-seconds of timed work. Prints one JSON object per line, shaped like the messages of the bench's own child
processes (src/case_process.ts):

    {"type": "setup", "setup": {...}}         once the network and the data are ready
    {"type": "step", "step": {...}}           every step: phase ("warmup" | "timed"), milliseconds, loss
    {"type": "done", ...}                     the summary: median of the timed steps, counts, resident memory
    {"type": "failed", "message": "..."}      instead of "done"; the exit status is then 1

--check builds every network, prints {"type": "parameters", ...} per case and exits 1 if a count is wrong.

A training step: forward, loss = 0.5 * sum((out - target)^2) (the bench's reduction 'sum' with the identity physics),
backward, Adam(lr 1e-3) step. Inference: forward under torch.no_grad(). Batch norm always normalises with the
statistics of the batch (track_running_stats=False), as @pg's BatchStatisticsNormalization does in training and
inference alike. Needs only Python 3 and torch.
"""

import argparse
import json
import math
import os
import sys
import time

PROCESS_START = time.perf_counter()


def emit(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def fail(message):
    emit({"type": "failed", "message": message})
    sys.stderr.write("peer_torch.py: " + message + "\n")
    sys.exit(1)


try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError as error:
    fail("PyTorch is not importable by %s (%s); on Debian or Ubuntu: apt-get install python3-torch" % (sys.executable, error))

# The cases of src/cases.ts. "parameters" is what @pg/nets documents for the same network (unet.ts, mlp.ts): the
# script refuses to time a network that differs from ours.
CASES = {
    "unet-b32": {"network": "unet", "levels": 4, "filters": 16, "channels": (1, 1), "size": 64, "batch": 32, "kind": "training", "parameters": 37697},
    "unet-b128": {"network": "unet", "levels": 4, "filters": 16, "channels": (1, 1), "size": 64, "batch": 128, "kind": "training", "parameters": 37697},
    "fluid-unet-b64": {"network": "unet", "levels": 5, "filters": 16, "channels": (2, 2), "size": 64, "batch": 64, "kind": "training", "parameters": 49570},
    "mlp-b1000": {"network": "mlp", "sizes": (1, 10, 20, 10, 1), "batch": 1000, "kind": "training", "parameters": 461},
    "unet-inference-b32": {"network": "unet", "levels": 4, "filters": 16, "channels": (1, 1), "size": 64, "batch": 32, "kind": "inference", "parameters": 37697},
}

SEED = 0


class DoubleConvolution(nn.Module):
    """DC(a->b): Conv3x3(bias, zero padding 1) -> BN(batch statistics) -> ReLU, twice."""

    def __init__(self, input_channels, output_channels):
        super().__init__()
        layers = []
        channels = input_channels
        for _ in range(2):
            layers.append(nn.Conv2d(channels, output_channels, kernel_size=3, stride=1, padding=1, bias=True))
            # Batch statistics in training and inference, eps 1e-5, gamma = 1 and beta = 0 trainable: no running stats.
            layers.append(nn.BatchNorm2d(output_channels, eps=1e-5, affine=True, track_running_stats=False))
            layers.append(nn.ReLU())
            channels = output_channels
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)


class UNet(nn.Module):
    """unet() of packages/nets/src/unet.ts in NCHW: encoder DC + 2x2 max-pool, decoder bilinear x2 (half-pixel
    centres = align_corners=False) + concat[skip, upsampled] (zero-padded at the high end after an odd size) + DC,
    output Conv1x1 without activation."""

    def __init__(self, levels, filters, input_channels, output_channels):
        super().__init__()
        self.levels = levels
        self.encoders = nn.ModuleList([DoubleConvolution(input_channels, filters)] + [DoubleConvolution(filters, filters) for _ in range(1, levels)])
        # decoders[level] handles level = levels - 2 ... 0; index by level.
        self.decoders = nn.ModuleList([DoubleConvolution(2 * filters, filters) for _ in range(levels - 1)])
        self.output = nn.Conv2d(filters, output_channels, kernel_size=1, padding=0, bias=True)

    def forward(self, x):
        skips = [self.encoders[0](x)]
        for level in range(1, self.levels):
            skips.append(self.encoders[level](F.max_pool2d(skips[level - 1], kernel_size=2, stride=2)))
        decoded = skips[self.levels - 1]
        for level in range(self.levels - 2, -1, -1):
            skip = skips[level]
            upsampled = F.interpolate(decoded, scale_factor=2, mode="bilinear", align_corners=False)
            pad_height = skip.shape[2] - upsampled.shape[2]
            pad_width = skip.shape[3] - upsampled.shape[3]
            if pad_height or pad_width:
                upsampled = F.pad(upsampled, (0, pad_width, 0, pad_height))
            decoded = self.decoders[level](torch.cat([skip, upsampled], dim=1))
        return self.output(decoded)


def mlp(sizes):
    """mlp() of packages/nets/src/mlp.ts: Linear layers with bias, ReLU after every hidden layer, linear output."""
    layers = []
    for index in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[index], sizes[index + 1], bias=True))
        if index < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def build_network(case):
    if case["network"] == "unet":
        return UNet(case["levels"], case["filters"], case["channels"][0], case["channels"][1])
    return mlp(case["sizes"])


def count_parameters(network):
    return sum(parameter.numel() for parameter in network.parameters() if parameter.requires_grad)


def example_shape_nchw(case):
    """Shapes of one input and one output example, channels first."""
    if case["network"] == "unet":
        size = case["size"]
        return (case["channels"][0], size, size), (case["channels"][1], size, size)
    return (case["sizes"][0],), (case["sizes"][-1],)


def forward_flops_per_sample(network, case):
    """2 FLOPs per multiply-add of Conv2d and Linear layers for one example, as src/flops.ts counts them."""
    total = [0]

    def count(module, inputs, output):
        if isinstance(module, nn.Conv2d):
            kh, kw = module.kernel_size
            total[0] += 2 * output.shape[2] * output.shape[3] * kh * kw * (module.in_channels // module.groups) * module.out_channels
        elif isinstance(module, nn.Linear):
            rows = output.numel() // output.shape[-1]
            total[0] += 2 * rows * module.in_features * module.out_features

    handles = [module.register_forward_hook(count) for module in network.modules() if isinstance(module, (nn.Conv2d, nn.Linear))]
    try:
        input_shape, _ = example_shape_nchw(case)
        with torch.no_grad():
            network(torch.zeros((1,) + input_shape))
    finally:
        for handle in handles:
            handle.remove()
    return total[0]


def bench_batch(case):
    """The fixed batch of benchBatch in src/measure_run.ts (same formulas over the NHWC element index), as NCHW."""
    input_shape, output_shape = example_shape_nchw(case)
    batch = case["batch"]

    def nhwc_to_nchw(values, shape):
        if len(shape) == 1:
            return values.reshape((batch,) + shape)
        channels, height, width = shape
        return values.reshape(batch, height, width, channels).permute(0, 3, 1, 2).contiguous()

    i = torch.arange(batch * math.prod(input_shape), dtype=torch.int64)
    inputs = torch.sin(0.37 * i.double()) + 0.3 * torch.cos(0.011 * torch.remainder(i * i, 100003).double())
    j = torch.arange(batch * math.prod(output_shape), dtype=torch.int64)
    targets = torch.cos(0.23 * j.double())
    return nhwc_to_nchw(inputs.float(), input_shape), nhwc_to_nchw(targets.float(), output_shape)


def resident_megabytes():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    if not ordered:
        return None
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def check():
    ok = True
    for name, case in CASES.items():
        torch.manual_seed(SEED)
        parameters = count_parameters(build_network(case))
        emit({"type": "parameters", "case": name, "parameters": parameters, "expected": case["parameters"]})
        if parameters != case["parameters"]:
            sys.stderr.write("peer_torch.py: %s has %d parameters, expected %d (the @pg/nets network)\n" % (name, parameters, case["parameters"]))
            ok = False
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description="PyTorch peer of pnpm bench --peer torch")
    parser.add_argument("case", nargs="?", choices=sorted(CASES))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--warmup-seconds", type=float, default=20.0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--timed-seconds", type=float, default=0.5)
    parser.add_argument("--check", action="store_true", help="only build every network and check its parameter count")
    args = parser.parse_args()

    # Threads first: the inter-op pool can only be sized before it starts.
    torch.set_num_threads(max(1, args.threads))
    interop_threads = None
    try:
        torch.set_num_interop_threads(1)
        interop_threads = 1
    except RuntimeError:
        interop_threads = torch.get_num_interop_threads()

    if args.check:
        return check()
    if args.case is None:
        parser.error("a case name or --check is required")

    case = CASES[args.case]
    torch.manual_seed(SEED)
    network = build_network(case)
    parameters = count_parameters(network)
    if parameters != case["parameters"]:
        fail("%s: the PyTorch network has %d parameters, the @pg/nets one %d: the architectures differ" % (args.case, parameters, case["parameters"]))
    forward_flops = forward_flops_per_sample(network, case)
    network.train()  # batch norm on batch statistics (it keeps no running statistics in any mode)
    inputs, targets = bench_batch(case)
    is_training = case["kind"] == "training"
    optimizer = torch.optim.Adam(network.parameters(), lr=1e-3) if is_training else None
    emit({
        "type": "setup",
        "setup": {
            "tfjsBackend": "torch",
            "parameters": parameters,
            "forwardFlopsPerSample": forward_flops,
            "flopsPerStep": (3 if is_training else 1) * forward_flops * case["batch"],
            "setupSeconds": time.perf_counter() - PROCESS_START,  # import of torch included
            "peer": {
                "framework": "torch",
                "torchVersion": torch.__version__,
                "python": sys.executable,
                "pythonVersion": sys.version.split()[0],
                "threads": torch.get_num_threads(),
                "interopThreads": interop_threads,
                "mkldnn": bool(torch.backends.mkldnn.is_available()),
                "layout": "NCHW",
                "allocatorVariables": {name: os.environ[name] for name in ("MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES") if name in os.environ},
            },
        },
    })

    def step():
        if optimizer is None:
            with torch.no_grad():
                network(inputs)
            return None
        optimizer.zero_grad(set_to_none=True)
        output = network(inputs)
        loss = 0.5 * torch.sum((output - targets) ** 2)
        loss.backward()
        optimizer.step()
        return loss.item() / case["batch"]  # batch mean of 0.5·‖out − target‖², as the bench's loss

    warmup_count = 0
    warmup_start = None
    timed = []
    # The rule of src/step_schedule.ts: counts AND seconds, warm-up first, its seconds counted after the first step.
    while warmup_count < args.warmup or warmup_start is None or time.perf_counter() - warmup_start < args.warmup_seconds:
        start = time.perf_counter()
        loss = step()
        milliseconds = (time.perf_counter() - start) * 1000
        warmup_count += 1
        if warmup_start is None:
            warmup_start = time.perf_counter()
        emit({"type": "step", "step": dict({"phase": "warmup", "milliseconds": milliseconds}, **({} if loss is None else {"loss": loss}))})
    timed_seconds = 0.0
    while len(timed) < args.repeats or timed_seconds < args.timed_seconds:
        start = time.perf_counter()
        loss = step()
        elapsed = time.perf_counter() - start
        timed_seconds += elapsed
        timed.append(elapsed * 1000)
        emit({"type": "step", "step": dict({"phase": "timed", "milliseconds": elapsed * 1000}, **({} if loss is None else {"loss": loss}))})
    emit({
        "type": "done",
        "residentMegabytes": resident_megabytes(),
        "summary": {"case": args.case, "medianMs": median(timed), "timedSteps": len(timed), "warmupSteps": warmup_count, "threads": torch.get_num_threads()},
    })
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except BaseException as error:  # noqa: BLE001 - reported to the parent as a failed run
        fail("%s: %s" % (type(error).__name__, error))
