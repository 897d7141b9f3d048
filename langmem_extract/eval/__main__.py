"""``python -m langmem_extract.eval``: the same commands as ``langmem-extract eval``."""

from langmem_extract.eval.cli import eval_app

if __name__ == "__main__":
    eval_app()
