#!/usr/bin/env bash
# Makes Jupyter a front-end of the course: installs Jupyter's headless executor (Debian/Ubuntu apt packages
# jupyter-nbconvert, python3-nbclient, python3-nbformat, jupyter-client) when missing, restores the .NET
# Interactive kernel (Microsoft.dotnet-interactive, a local tool in .config/dotnet-tools.json) and registers
# its kernel specs (.net-csharp, .net-fsharp, .net-pwsh) with Jupyter for this user.
#
#   tools/jupyter/install.sh            # then: jupyter kernelspec list   shows .net-csharp
#
# The kernel spec starts `dotnet interactive jupyter ...`, which resolves the local tool when the kernel's working
# folder is inside this repository (Jupyter starts it in the notebook's folder). Exits non-zero with a one-line
# reason when something cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/../.."

have_python_modules() { /usr/bin/env python3 -c "import nbformat, nbclient, jupyter_client" >/dev/null 2>&1 \
  || { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import nbformat, nbclient, jupyter_client" >/dev/null 2>&1; }; }

if ! command -v jupyter-nbconvert >/dev/null 2>&1 || ! have_python_modules; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "jupyter: installing jupyter-nbconvert, python3-nbclient, python3-nbformat, jupyter-client (apt)"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
      jupyter-nbconvert python3-nbclient python3-nbformat jupyter-client python3-ipykernel >/dev/null
  else
    echo "error: jupyter-nbconvert/nbclient are missing and apt-get is not available; install Jupyter (pip install nbclient nbconvert) and rerun" >&2
    exit 1
  fi
fi

echo "jupyter: restoring the .NET Interactive kernel (dotnet tool restore)"
dotnet tool restore >/dev/null

echo "jupyter: registering the .NET Interactive kernel specs"
dotnet tool run dotnet-interactive -- jupyter install

command -v jupyter >/dev/null 2>&1 && jupyter kernelspec list
