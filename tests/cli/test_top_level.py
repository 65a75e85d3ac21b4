"""`import pickup_net` is cheap and its public names load on first use."""

import subprocess
import sys

import pytest

import pickup_net


def test_import_loads_no_subpackage() -> None:
    """A fresh `import pickup_net` imports none of its subpackages (only its lazy-name helper)."""
    code = (
        "import sys, pickup_net\n"
        "print(sorted(m for m in sys.modules if m.startswith('pickup_net')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "['pickup_net', 'pickup_net._lazy']"


@pytest.mark.parametrize("name", pickup_net.__all__)
def test_public_names_resolve(name: str) -> None:
    """Every name in `__all__` resolves to the object of the module that defines it."""
    value = getattr(pickup_net, name)
    assert value.__name__ == name
    assert name in dir(pickup_net)


def test_unknown_name_is_an_attribute_error() -> None:
    """An unknown name raises AttributeError naming it (so `hasattr` and `from ... import` work)."""
    with pytest.raises(AttributeError, match="no_such_name"):
        pickup_net.no_such_name  # noqa: B018
    with pytest.raises(ImportError):
        from pickup_net import no_such_name  # noqa: F401
