#!/usr/bin/env python3
"""Executes a notebook top to bottom through Jupyter (nbclient) with the .NET Interactive kernel.

usage: execute.py NOTEBOOK.ipynb OUT.ipynb [--kernel .net-csharp] [--timeout SECONDS]

The kernel's working folder is the notebook's folder, as in JupyterLab and the course runner, so the first
cell's `#r "../lib/bin/GanCourse.dll"` resolves. Cell errors do not stop the run (allow_errors): the executed copy,
with its error outputs, is always written, and the caller checks it. Exit 0 when the copy was written.
"""
import argparse
import os
import sys

import nbformat
from nbclient import NotebookClient


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("notebook")
    p.add_argument("out")
    p.add_argument("--kernel", default=".net-csharp")
    p.add_argument("--timeout", type=int, default=600, help="per-cell limit, seconds")
    a = p.parse_args()
    nb = nbformat.read(a.notebook, as_version=4)
    client = NotebookClient(nb, kernel_name=a.kernel, timeout=a.timeout, allow_errors=True,
                            startup_timeout=300,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(a.notebook))}})
    try:
        client.execute()
    finally:
        nbformat.write(nb, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
