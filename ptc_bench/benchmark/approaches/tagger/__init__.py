"""The tagging baseline (`--approach tagger`): BIO token classification on the same windows and metrics.

`tags` turns gold spans into per-token BIO tags and tags back into character spans (through the
tokenizer's offset mapping); `backbone` loads a model with a token-classification head (LoRA for a
causal backbone, full fine-tuning for an encoder); `train` fits it with the transformers Trainer;
`predict` tags the evaluation windows; `stage` is the runner's tagger stage.
"""
