"""Start-up (issue 13): what `load_checker` does to the process, and what it leaves out."""

from __future__ import annotations

import gc
import subprocess
import sys

import model


def test_load_checker_leaves_the_garbage_collector_as_it_found_it():
    assert gc.isenabled()
    model.load_checker()
    assert gc.isenabled()
    gc.disable()
    try:
        model.load_checker()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_checker_does_not_import_scipy_or_scikit_learn():
    """scipy took a third of `import model`; the checker needs neither it nor scikit-learn."""
    code = (
        "import sys, model; checker = model.load_checker(); "
        "checker.check('Our stem cells cure MS. ' * 20, detail='full'); "
        "print(sorted(m for m in ('scipy', 'sklearn') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
