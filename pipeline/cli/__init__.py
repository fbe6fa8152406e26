"""`python -m pipeline`: a thin command line over the library. The group, its error handling and
shared options are in base.py; the commands in collect.py (getting documents in, the demo,
evaluate) and research.py (the researcher's and the fact-checker's side)."""
from pipeline.cli import collect, research
from pipeline.cli.base import cli

__all__ = ["cli", "collect", "main", "research"]


def main():
    cli(prog_name="pipeline")


if __name__ == "__main__":
    main()
