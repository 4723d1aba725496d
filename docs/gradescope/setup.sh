#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image
# (base image: Ubuntu 24.04, whose python3 is 3.12; mllab needs 3.11 or newer).
set -euxo pipefail

# bubblewrap gives the sandbox its strongest level where the container allows user
# namespaces; mllab falls back to the strongest level that works and names it in
# every report (results.json: extra_data.isolation).
apt-get install -y python3 python3-venv bubblewrap

python3 -m venv /autograder/venv
/autograder/venv/bin/pip install --upgrade pip
# CPU-only PyTorch keeps the image small; drop this line for a GPU autograder.
/autograder/venv/bin/pip install torch --index-url https://download.pytorch.org/whl/cpu
# mllab itself: a wheel placed in the zip (python -m pip wheel --no-deps -w dist .).
/autograder/venv/bin/pip install /autograder/source/mllab-*.whl
