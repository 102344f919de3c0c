"""Settings for the test suite: production settings, with a throwaway data folder."""

import atexit
import os
import shutil
import tempfile

_data_dir = tempfile.mkdtemp(prefix="foidesk-tests-")
atexit.register(shutil.rmtree, _data_dir, ignore_errors=True)

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-never-used-in-production")
os.environ["FOIDESK_DATA_DIR"] = _data_dir

from foidesk.config.settings import *  # noqa: E402, F403

# Hashing at full strength only slows the suite; the hasher is Django's concern.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
