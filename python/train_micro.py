"""Understudy's micro-specialist worker: trains a tiny byte-level llama from scratch on one task, exports a GGUF.

    python train_micro.py --config job.json

The config (written by src/train/backends/micro-backend.ts) names a training file of JSON lines
`{"prompt": text, "completion": text}` — the prompt is already the text the embedded engine's plain renderer
produces for the messages the specialist is sent — an optional eval file and held-out file in the same
form, an output directory, the model shape and the training settings. Each example is trained as
`<s> + bytes(prompt) + bytes(completion) + </s>` with the loss on the completion and `</s>` only; the end of
the prompt is the separator, because the engine appends nothing after it.

Protocol: the LoRA worker's (train_lora.py): one JSON object per line on stdout, `event` one of `started`,
`progress`, `checkpoint`, `done`, `stopped`, `failed`. `done` carries `artifacts.model_path`; the same object
is written to `result.json`. A checkpoint (`checkpoint.pt`, written atomically) is kept every
`checkpoint_every_steps` and on SIGTERM/SIGINT, after which the worker exits 143; the same output directory
resumes. `max_seconds` (optional) ends training early, after which the model is exported as if done.

Outputs: `model.gguf` (a whole llama GGUF), `torch-greedy.jsonl` (torch's greedy answers to the held-out
prompts, with their token ids and length cap, for the parity check against llama.cpp), `result.json`.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import random
import time

import torch
from worker_protocol import CHECKPOINT_FILE, FORMAT_VERSION, STOPPED_EXIT_CODE, StopRequest, emit, finish, pick_device, run_worker, save_atomically
from torch.nn import functional as F

from micro_gguf import export_micro_to_gguf
from micro_model import BOS_ID, EOS_ID, PAD_ID, MicroConfig, MicroLlama, decode_ids, encode_text, greedy_answer

IGNORE = -100


def read_examples(path: str, context_length: int) -> tuple[list[dict], int]:
    """Rows with `prompt_ids` (BOS first) and `answer_ids` (EOS last); examples longer than the context are dropped."""
    rows, dropped = [], 0
    with open(path, encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            prompt, completion = row.get("prompt"), row.get("completion")
            if not isinstance(prompt, str) or not isinstance(completion, str) or completion == "":
                raise ValueError(f"{path}:{number}: expected a prompt string and a non-empty completion string")
            prompt_ids = [BOS_ID] + encode_text(prompt)
            answer_ids = encode_text(completion) + [EOS_ID]
            if len(prompt_ids) + len(answer_ids) > context_length:
                dropped += 1
                continue
            rows.append({"prompt": prompt, "completion": completion, "prompt_ids": prompt_ids, "answer_ids": answer_ids})
    return rows, dropped


def make_batch(examples: list[dict], indices, device):
    rows = [examples[index] for index in indices]
    width = max(len(row["prompt_ids"]) + len(row["answer_ids"]) for row in rows)
    ids = torch.full((len(rows), width), PAD_ID, dtype=torch.long)
    labels = torch.full((len(rows), width), IGNORE, dtype=torch.long)
    for position, row in enumerate(rows):
        sequence = row["prompt_ids"] + row["answer_ids"]
        ids[position, : len(sequence)] = torch.tensor(sequence)
        labels[position, len(row["prompt_ids"]) : len(sequence)] = torch.tensor(row["answer_ids"])
    return ids.to(device), labels.to(device)


def answer_loss(model: MicroLlama, ids: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, int]:
    """Summed cross-entropy over answer tokens (each predicted from the position before it) and their count."""
    logits = model(ids)[:, :-1]
    targets = labels[:, 1:]
    count = int((targets != IGNORE).sum())
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), targets.reshape(-1), ignore_index=IGNORE, reduction="sum")
    return loss, count


def evaluate(model: MicroLlama, examples: list[dict], batch_size: int, device) -> float:
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(examples), batch_size):
            loss, tokens = answer_loss(model, *make_batch(examples, range(start, min(start + batch_size, len(examples))), device))
            total += float(loss)
            count += tokens
    model.train()
    return total / max(count, 1)


def fingerprint(config: dict) -> str:
    """What must not change between a checkpoint and the run that resumes it."""
    with open(config["train_file"], "rb") as file:
        data_hash = hashlib.sha256(file.read()).hexdigest()
    training = {key: value for key, value in config["training"].items() if key not in ("checkpoint_every_steps", "max_seconds")}
    relevant = {"model": config["model"], "training": training, "data": data_hash}
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()


def save_checkpoint(path: str, model, optimizer, step: int, losses: list[float], key: str) -> None:
    state = {
        "format_version": FORMAT_VERSION,
        "fingerprint": key,
        "step": step,
        "losses": losses,
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "rng": {"torch": torch.get_rng_state(), "python": random.getstate()},
    }
    save_atomically(state, path)


def learning_rate(step: int, total: int, peak: float, warmup: int) -> float:
    """Linear warm-up, then cosine decay to a tenth of the peak."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(total - warmup, 1))
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def write_greedy_answers(model: MicroLlama, examples: list[dict], path: str, max_new_tokens: int) -> float | None:
    """torch's greedy answers to held-out prompts (the reference the GGUF must reproduce); returns exact-match share."""
    if not examples:
        return None
    exact = 0
    with open(path, "w", encoding="utf-8") as file:
        for row in examples:
            answer = decode_ids(greedy_answer(model.cpu(), row["prompt_ids"], max_new_tokens))
            exact += answer == row["completion"]
            # max_new_tokens: a check against llama.cpp must cap its answer at the same length.
            file.write(json.dumps({"prompt": row["prompt"], "prompt_tokens": row["prompt_ids"], "expected": row["completion"], "answer": answer, "max_new_tokens": max_new_tokens}) + "\n")
    return exact / len(examples)


def train(config: dict, stop: StopRequest) -> int:
    hyper = config["training"]
    model_config = MicroConfig(**config["model"])
    model_config.validate()
    output_dir = config["output_dir"]
    os.makedirs(output_dir, exist_ok=True)
    seed = int(hyper.get("seed", 0))
    random.seed(seed)
    torch.manual_seed(seed)
    device = pick_device(config.get("device", "auto"))
    if device.type == "cpu" and hyper.get("threads"):
        torch.set_num_threads(int(hyper["threads"]))

    started = time.monotonic()
    context = model_config.context_length
    train_examples, dropped = read_examples(config["train_file"], context)
    if not train_examples:
        raise ValueError(f"no training example fits the {context}-byte context ({dropped} dropped); raise contextLength")
    eval_examples = read_examples(config["eval_file"], context)[0] if config.get("eval_file") else []
    heldout_examples = read_examples(config["heldout_file"], context)[0] if config.get("heldout_file") else []
    heldout_examples = heldout_examples[: int(hyper.get("heldout_limit", 50))]

    model = MicroLlama(model_config).to(device).train()
    batch_size = int(hyper.get("batch_size", 16))
    steps_per_epoch = max(1, math.ceil(len(train_examples) / batch_size))
    total_steps = int(hyper["max_steps"]) if hyper.get("max_steps") else steps_per_epoch * int(hyper.get("epochs", 1))
    peak = float(hyper.get("learning_rate", 2e-3))
    warmup = int(hyper.get("warmup_steps", 20))
    optimizer = torch.optim.AdamW(model.parameters(), lr=peak, betas=(0.9, 0.95), weight_decay=float(hyper.get("weight_decay", 0.01)))

    key = fingerprint(config)
    checkpoint_path = os.path.join(output_dir, CHECKPOINT_FILE)
    step, losses = 0, []
    if os.path.exists(checkpoint_path):
        state = torch.load(checkpoint_path, map_location="cpu")
        if state.get("fingerprint") != key:
            raise ValueError(f"{checkpoint_path} belongs to a different job (model, data or hyper-parameters changed); use a new output directory")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        torch.set_rng_state(state["rng"]["torch"])
        random.setstate(state["rng"]["python"])
        step, losses = int(state["step"]), list(state["losses"])
    emit(
        "started",
        device=device.type,
        torch=torch.__version__,
        examples=len(train_examples),
        dropped_examples=dropped,
        eval_examples=len(eval_examples),
        heldout_examples=len(heldout_examples),
        parameters=model.parameter_count(),
        total_steps=total_steps,
        resumed_from_step=step,
        load_seconds=round(time.monotonic() - started, 2),
    )

    checkpoint_every = int(hyper.get("checkpoint_every_steps", 100))
    max_seconds = float(hyper["max_seconds"]) if hyper.get("max_seconds") else None
    loop_started, first_step, trained_tokens = time.monotonic(), step, 0
    while step < total_steps:
        epoch, within = divmod(step, steps_per_epoch)
        order = list(range(len(train_examples)))
        random.Random(seed * 1_000_003 + epoch).shuffle(order)
        indices = [order[(within * batch_size + index) % len(order)] for index in range(batch_size)]
        ids, labels = make_batch(train_examples, indices, device)
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step, total_steps, peak, warmup)
        loss_sum, tokens = answer_loss(model, ids, labels)
        optimizer.zero_grad()
        (loss_sum / max(tokens, 1)).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        step += 1
        trained_tokens += int(ids.numel())
        losses.append(float(loss_sum) / max(tokens, 1))
        elapsed = time.monotonic() - loop_started
        seconds_per_step = elapsed / (step - first_step)
        out_of_time = max_seconds is not None and time.monotonic() - started >= max_seconds
        emit(
            "progress",
            step=step,
            total_steps=total_steps,
            epoch=round(step / steps_per_epoch, 4),
            loss=round(losses[-1], 6),
            learning_rate=optimizer.param_groups[0]["lr"],
            seconds_per_step=round(seconds_per_step, 3),
            eta_s=round(seconds_per_step * (total_steps - step), 1),
        )
        if stop.requested or (step % checkpoint_every == 0 and step < total_steps):
            save_checkpoint(checkpoint_path, model, optimizer, step, losses, key)
            emit("checkpoint", step=step, path=checkpoint_path)
        if stop.requested and step < total_steps:
            emit("stopped", step=step, total_steps=total_steps, checkpoint=checkpoint_path)
            return STOPPED_EXIT_CODE
        if out_of_time:
            break

    save_checkpoint(checkpoint_path, model, optimizer, step, losses, key)
    model_path = os.path.join(output_dir, "model.gguf")
    export_micro_to_gguf(model.cpu(), model_path, str(config.get("name") or "understudy-micro"))
    longest_answer = max(len(row["answer_ids"]) for row in train_examples)
    greedy_path = os.path.join(output_dir, "torch-greedy.jsonl")
    torch_exact = write_greedy_answers(model, heldout_examples, greedy_path, longest_answer + 16)
    tail = losses[-min(len(losses), 10) :]
    loop_seconds = time.monotonic() - loop_started
    metrics = {
        "train_loss": sum(tail) / len(tail),
        "first_loss": losses[0],
        "eval_loss": evaluate(model, eval_examples, batch_size, torch.device("cpu")) if eval_examples else None,
        "seconds_per_step": round(loop_seconds / (step - first_step), 3) if step > first_step else None,
        "train_tokens_per_s": round(trained_tokens / loop_seconds, 1) if step > first_step else None,
        "parameters": model.parameter_count(),
        "torch_exact_heldout": torch_exact,
        "dropped_examples": dropped,
    }
    result = {
        "artifacts": {"model_path": model_path, "checkpoint_path": checkpoint_path, "torch_greedy_path": greedy_path if heldout_examples else None},
        "metrics": metrics,
        "steps": step,
        "model": model_config.to_dict(),
    }
    return finish(output_dir, result)


def main() -> None:
    run_worker("Understudy micro-specialist training worker", ("train_file", "output_dir", "model", "training"), train)


if __name__ == "__main__":
    main()
