"""Training a LoRA adapter: the recipe config, training examples, the trainer, checkpoints."""
