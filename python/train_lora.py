"""Understudy's LoRA training worker: fine-tunes a llama-architecture GGUF base with a PEFT LoRA.

    python train_lora.py --config job.json

The config (written by src/train/backends/peft-lora-trainer.ts) names the base GGUF, a training file of JSON
lines `{"prompt_tokens": [...], "completion_tokens": [...]}` (rendered and tokenised by node-llama-cpp, so
training sees exactly the tokens serving will), an output directory and the hyper-parameters. Loss is taken
on completion tokens only.

Protocol: one JSON object per line on stdout, `event` one of `started`, `progress`, `checkpoint`, `done`,
`stopped`, `failed`; anything else (library warnings) goes to stderr. A checkpoint (`checkpoint.pt`, written
atomically) is kept in the output directory every `checkpoint_every_steps` and when SIGTERM/SIGINT arrives;
the worker then exits with status 143. Running again with the same output directory resumes from it.

Outputs: `adapter/` (Hugging Face PEFT format), `adapter.gguf` (llama.cpp LoRA adapter), `result.json`, and
`merged.gguf` (base and adapter in one GGUF, python/merge_lora_to_gguf.py) when `exports.merged_gguf` is true.
`exports` sits outside `lora` and `training` so that it is not part of the checkpoint's fingerprint: asking for
the merged file when resuming (or re-running a finished job) does not invalidate the checkpoint.
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

from lora_gguf_adapter import export_lora_to_gguf
from lora_gguf_model import load_llama_from_gguf
from merge_lora_to_gguf import merge_lora_into_gguf



def read_examples(path: str, max_length: int) -> tuple[list[tuple[list[int], list[int]]], int]:
    """Returns (prompt, completion) token lists and how many prompts had to lose leading tokens to fit."""
    examples = []
    truncated = 0
    with open(path, encoding="utf-8") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            prompt, completion = row.get("prompt_tokens"), row.get("completion_tokens")
            if not isinstance(prompt, list) or not isinstance(completion, list) or len(completion) == 0:
                raise ValueError(f"{path}:{number}: expected non-empty prompt_tokens and completion_tokens arrays")
            if len(completion) >= max_length:
                raise ValueError(f"{path}:{number}: the answer alone is {len(completion)} tokens, max_sequence_length is {max_length}")
            if len(prompt) + len(completion) > max_length:
                # Keep the answer whole and the end of the prompt (the generation prefix sits there).
                prompt = prompt[len(prompt) + len(completion) - max_length:]
                truncated += 1
            examples.append((prompt, completion))
    if not examples:
        raise ValueError(f"{path} holds no examples")
    return examples, truncated


def make_batch(examples, indices, pad_id: int, device):
    rows = [examples[index] for index in indices]
    width = max(len(prompt) + len(completion) for prompt, completion in rows)
    input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    labels = torch.full((len(rows), width), -100, dtype=torch.long)
    attention = torch.zeros((len(rows), width), dtype=torch.long)
    for row, (prompt, completion) in enumerate(rows):
        sequence = prompt + completion
        input_ids[row, : len(sequence)] = torch.tensor(sequence)
        labels[row, len(prompt) : len(sequence)] = torch.tensor(completion)
        attention[row, : len(sequence)] = 1
    return input_ids.to(device), attention.to(device), labels.to(device)


def completion_loss(model, input_ids, attention, labels):
    """Summed cross-entropy over completion tokens, and the token count (to weight across micro-batches).

    The vocabulary projection runs only at the positions whose next token is an answer token: a prompt of a
    thousand tokens followed by a forty-token answer would otherwise materialise (and keep for backward) a
    thousand-by-49k logit matrix per example, most of the step's memory and a fifth of its arithmetic.
    """
    causal_lm = model.get_base_model() if hasattr(model, "get_base_model") else model
    hidden = causal_lm.model(input_ids=input_ids, attention_mask=attention).last_hidden_state[:, :-1]
    targets = labels[:, 1:]
    keep = targets != -100
    logits = causal_lm.lm_head(hidden[keep]).float()
    loss = torch.nn.functional.cross_entropy(logits, targets[keep], reduction="sum")
    return loss, int(keep.sum())


def micro_batches(examples, indices, max_batch_tokens: int) -> list[list[int]]:
    """Splits one step's examples into micro-batches of at most `max_batch_tokens` padded tokens.

    Examples are grouped by length (shortest first) so padding stays small; an example longer than the limit
    runs alone. Memory then depends on the limit, not on how long a task's prompts are, and the step's gradient
    is unchanged because every micro-batch's loss is divided by the whole step's answer-token count.
    """
    ordered = sorted(indices, key=lambda index: len(examples[index][0]) + len(examples[index][1]))
    groups: list[list[int]] = []
    for index in ordered:
        length = len(examples[index][0]) + len(examples[index][1])
        if groups and (len(groups[-1]) + 1) * length <= max_batch_tokens:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def evaluate(model, examples, max_batch_tokens: int, pad_id: int, device) -> float:
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for group in micro_batches(examples, range(len(examples)), max_batch_tokens):
            loss, tokens = completion_loss(model, *make_batch(examples, group, pad_id, device))
            total += float(loss)
            count += tokens
    model.train()
    return total / max(count, 1)


def fingerprint(config: dict) -> str:
    """What must not change between a checkpoint and the run that resumes it."""
    with open(config["train_file"], "rb") as file:
        data_hash = hashlib.sha256(file.read()).hexdigest()
    relevant = {"base": os.path.basename(config["base_model_gguf"]), "lora": config["lora"], "training": {k: v for k, v in config["training"].items() if k != "checkpoint_every_steps"}, "data": data_hash}
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()


def save_checkpoint(path: str, model, optimizer, scheduler, step: int, losses: list[float], key: str) -> None:
    from peft import get_peft_model_state_dict

    state = {
        "format_version": FORMAT_VERSION,
        "fingerprint": key,
        "step": step,
        "losses": losses,
        "adapter": get_peft_model_state_dict(model),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "rng": {"torch": torch.get_rng_state(), "python": random.getstate()},
    }
    save_atomically(state, path)


def train(config: dict, stop: StopRequest) -> int:
    from peft import LoraConfig, get_peft_model, set_peft_model_state_dict

    lora, hyper = config["lora"], config["training"]
    output_dir = config["output_dir"]
    os.makedirs(output_dir, exist_ok=True)
    seed = int(hyper.get("seed", 0))
    random.seed(seed)
    torch.manual_seed(seed)
    device = pick_device(config.get("device", "auto"))
    max_length = int(hyper.get("max_sequence_length", 1024))

    train_examples, truncated = read_examples(config["train_file"], max_length)
    eval_examples = read_examples(config["eval_file"], max_length)[0] if config.get("eval_file") else []

    started = time.monotonic()
    model, info = load_llama_from_gguf(config["base_model_gguf"])
    model = get_peft_model(
        model,
        LoraConfig(
            r=int(lora["rank"]),
            lora_alpha=float(lora["alpha"]),
            lora_dropout=float(lora.get("dropout", 0.0)),
            target_modules=list(lora["target_modules"]),
            bias="none",
            task_type="CAUSAL_LM",
        ),
    )
    model.to(device).train()
    pad_id = info.eos_token_id

    batch_size = int(hyper.get("batch_size", 4))
    accumulation = int(hyper.get("gradient_accumulation_steps", 1))
    max_batch_tokens = int(hyper.get("max_batch_tokens", 1024))
    steps_per_epoch = max(1, math.ceil(len(train_examples) / (batch_size * accumulation)))
    total_steps = int(hyper["max_steps"]) if hyper.get("max_steps") else steps_per_epoch * int(hyper.get("epochs", 1))
    warmup = int(hyper.get("warmup_steps", 0))
    parameters = [parameter for parameter in model.parameters() if parameter.requires_grad]
    optimizer = torch.optim.AdamW(parameters, lr=float(hyper.get("learning_rate", 2e-4)), weight_decay=float(hyper.get("weight_decay", 0.0)))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / (warmup + 1)) * max(0.0, 1.0 - step / max(total_steps, 1)) if warmup else max(0.0, 1.0 - step / max(total_steps, 1))
    )

    key = fingerprint(config)
    checkpoint_path = os.path.join(output_dir, CHECKPOINT_FILE)
    step, losses = 0, []
    if os.path.exists(checkpoint_path):
        state = torch.load(checkpoint_path, map_location="cpu")
        if state.get("fingerprint") != key:
            raise ValueError(f"{checkpoint_path} belongs to a different job (base, data or hyper-parameters changed); use a new output directory")
        set_peft_model_state_dict(model, state["adapter"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["rng"]["torch"])
        random.setstate(state["rng"]["python"])
        step, losses = int(state["step"]), list(state["losses"])
    emit(
        "started",
        device=device.type,
        torch=torch.__version__,
        examples=len(train_examples),
        eval_examples=len(eval_examples),
        truncated_prompts=truncated,
        trainable_parameters=sum(parameter.numel() for parameter in parameters),
        total_steps=total_steps,
        resumed_from_step=step,
        load_seconds=round(time.monotonic() - started, 2),
    )

    checkpoint_every = int(hyper.get("checkpoint_every_steps", 50))
    loop_started, first_step = time.monotonic(), step
    while step < total_steps:
        epoch, within = divmod(step, steps_per_epoch)
        order = list(range(len(train_examples)))
        random.Random(seed * 1_000_003 + epoch).shuffle(order)
        total_loss, total_tokens = 0.0, 0
        optimizer.zero_grad()
        offset = within * accumulation * batch_size
        indices = [order[(offset + index) % len(order)] for index in range(batch_size * accumulation)]
        step_tokens = sum(len(train_examples[index][1]) for index in indices)
        for group in micro_batches(train_examples, indices, max_batch_tokens):
            loss_sum, tokens = completion_loss(model, *make_batch(train_examples, group, pad_id, device))
            (loss_sum / max(step_tokens, 1)).backward()
            total_loss += float(loss_sum)
            total_tokens += tokens
        torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        optimizer.step()
        scheduler.step()
        step += 1
        losses.append(total_loss / max(total_tokens, 1))
        elapsed = time.monotonic() - loop_started
        seconds_per_step = elapsed / (step - first_step)
        emit(
            "progress",
            step=step,
            total_steps=total_steps,
            epoch=round(step / steps_per_epoch, 4),
            loss=round(losses[-1], 6),
            learning_rate=scheduler.get_last_lr()[0],
            seconds_per_step=round(seconds_per_step, 3),
            eta_s=round(seconds_per_step * (total_steps - step), 1),
        )
        if stop.requested or (step % checkpoint_every == 0 and step < total_steps):
            save_checkpoint(checkpoint_path, model, optimizer, scheduler, step, losses, key)
            emit("checkpoint", step=step, path=checkpoint_path)
        if stop.requested and step < total_steps:
            emit("stopped", step=step, total_steps=total_steps, checkpoint=checkpoint_path)
            return STOPPED_EXIT_CODE

    save_checkpoint(checkpoint_path, model, optimizer, scheduler, step, losses, key)
    adapter_dir = os.path.join(output_dir, "adapter")
    model.save_pretrained(adapter_dir)
    from peft import get_peft_model_state_dict

    gguf_path = os.path.join(output_dir, "adapter.gguf")
    adapter_state = get_peft_model_state_dict(model)
    export_lora_to_gguf(adapter_state, gguf_path, float(lora["alpha"]), info.config.num_attention_heads, info.config.num_key_value_heads)
    merged_path = None
    if config.get("exports", {}).get("merged_gguf", False):
        merged_path = os.path.join(output_dir, "merged.gguf")
        merge_lora_into_gguf(config["base_model_gguf"], adapter_state, float(lora["alpha"]), merged_path)
    tail = losses[-min(len(losses), steps_per_epoch) :]
    metrics = {
        "train_loss": sum(tail) / len(tail),
        "first_loss": losses[0],
        "eval_loss": evaluate(model, eval_examples, max_batch_tokens, pad_id, device) if eval_examples else None,
        "seconds_per_step": round((time.monotonic() - loop_started) / max(step - first_step, 1), 3) if step > first_step else None,
    }
    result = {"artifacts": {"hf_adapter_dir": adapter_dir, "gguf_adapter_path": gguf_path, "checkpoint_path": checkpoint_path, "merged_model_path": merged_path}, "metrics": metrics, "steps": step}
    return finish(output_dir, result)


def main() -> None:
    run_worker("Understudy LoRA training worker", ("base_model_gguf", "train_file", "output_dir", "lora", "training"), train)


if __name__ == "__main__":
    main()
