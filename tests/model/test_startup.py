"""Start-up (issue 13): what `load_checker` does to the process, and what it leaves out."""

from __future__ import annotations

import gc
import subprocess
import sys
from importlib.metadata import version

import model
from model.classifier import _installed_sklearn


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


def test_the_scikit_learn_version_is_the_one_importlib_metadata_reads(tmp_path, monkeypatch):
    assert _installed_sklearn() == version("scikit-learn")
    # A wheel's metadata earlier on the path wins, as it does for importlib.metadata.
    info = tmp_path / "scikit_learn-0.99.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: scikit-learn\nVersion: 0.99.1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _installed_sklearn() == "0.99.1" == version("scikit-learn")
    # Any other layout is left to importlib.metadata.
    (tmp_path / "scikit_learn-0.98.egg-info").mkdir()
    assert _installed_sklearn() == version("scikit-learn")
