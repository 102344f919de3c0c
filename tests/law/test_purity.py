"""foidesk.law is pure Python: the rules must be importable without Django."""

import subprocess
import sys


def test_law_imports_no_django():
    probe = (
        "import sys, foidesk.law; print(sorted(m for m in sys.modules if m.startswith('django')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
