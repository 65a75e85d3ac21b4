"""Public names of a package loaded on first use (PEP 562), so importing the package stays cheap."""

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_names(
    package: str, namespace: dict[str, Any], exports: Mapping[str, str]
) -> Callable[[str], object]:
    """A module `__getattr__` for `package`: imports the module `exports[name]` on first access
    and keeps the name in `namespace`, so the next access is a plain global."""

    def __getattr__(name: str) -> object:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        namespace[name] = value
        return value

    return __getattr__
