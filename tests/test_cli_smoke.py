import subprocess
import sys

from blast import __version__


def test_version_via_module():
    cmd = [sys.executable, "-m", "blast", "--version"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert out.returncode == 0
    assert out.stdout.strip() == f"blast {__version__}"


def test_cli_defaults_match_the_library():
    from blast import cli
    from blast.analysis import spof

    assert (cli.MAX_PAIRS, cli.MAX_CANDIDATES) == (spof.MAX_PAIRS, spof.MAX_CANDIDATES)
