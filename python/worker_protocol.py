"""What every Understudy training worker shares (python/train_lora.py, python/train_micro.py): the JSON-line
event protocol on stdout, the SIGTERM/SIGINT stop request, config loading, checkpoint files written
atomically, and device choice. The TypeScript side (src/train/backends/internal/run-training-worker.ts) reads
these events and sends SIGTERM to ask for a checkpoint and a clean stop (exit 143)."""
from __future__ import annotations

import json
import os
import signal
import sys

import torch

FORMAT_VERSION = 1
STOPPED_EXIT_CODE = 143
CHECKPOINT_FILE = "checkpoint.pt"


def emit(event: str, **fields) -> None:
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


class StopRequest:
    """Set by SIGTERM/SIGINT; the loop checkpoints after the step in progress and exits."""

    def __init__(self) -> None:
        self.requested = False
        signal.signal(signal.SIGTERM, self._handle)
        signal.signal(signal.SIGINT, self._handle)

    def _handle(self, signum, frame) -> None:
        self.requested = True


def read_config(path: str, required: tuple[str, ...]) -> dict:
    with open(path, encoding="utf-8") as file:
        config = json.load(file)
    if config.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"config format_version must be {FORMAT_VERSION}, got {config.get('format_version')!r}")
    for key in required:
        if key not in config:
            raise ValueError(f"config is missing {key!r}")
    return config


def save_atomically(state: dict, path: str) -> None:
    """torch.save to a side file, then rename: a crash never leaves a half-written checkpoint."""
    partial = path + ".partial"
    torch.save(state, partial)
    os.replace(partial, path)


def pick_device(requested: str) -> torch.device:
    if requested == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was requested but this torch build sees no CUDA device")
    if requested == "cuda" or (requested == "auto" and torch.cuda.is_available()):
        return torch.device("cuda")
    return torch.device("cpu")


def finish(output_dir: str, result: dict) -> int:
    """Writes result.json (what the TypeScript side reads back) and announces it with the `done` event."""
    with open(os.path.join(output_dir, "result.json"), "w", encoding="utf-8") as file:
        json.dump(result, file, indent=2)
    emit("done", **result)
    return 0


def run_worker(description: str, required: tuple[str, ...], train) -> None:
    """The workers' entry point: `--config FILE`, a stop request, and any exception reported as a `failed` event."""
    import argparse
    import traceback

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--config", required=True, help="job config JSON file")
    args = parser.parse_args()
    stop = StopRequest()
    try:
        code = train(read_config(args.config, required), stop)
    except Exception as error:  # reported on the protocol, then the exit status says it failed
        traceback.print_exc(file=sys.stderr)
        emit("failed", message=f"{type(error).__name__}: {error}")
        code = 1
    sys.exit(code)
