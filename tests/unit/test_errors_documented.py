"""Every exception class credmatch defines is listed in the hierarchy at the top of errors.py."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import credmatch
from credmatch import errors


def _exception_classes() -> dict[str, str]:
    found: dict[str, str] = {}
    for module_info in pkgutil.walk_packages(credmatch.__path__, "credmatch."):
        if module_info.name.endswith("__main__"):
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
            ):
                found[name] = module.__name__
    return found


def test_every_exception_is_in_the_errors_docstring() -> None:
    classes = _exception_classes()
    assert {"CredmatchError", "MethodError", "RateLimitedError"} <= set(classes)
    doc = errors.__doc__ or ""
    missing = sorted(f"{name} ({module})" for name, module in classes.items() if name not in doc)
    assert not missing, f"document these in errors.py's hierarchy: {', '.join(missing)}"


def test_errors_outside_errors_py_say_where_they_live() -> None:
    doc = errors.__doc__ or ""
    for name, module in _exception_classes().items():
        if module != "credmatch.errors":
            path = module.removeprefix("credmatch.").replace(".", "/") + ".py"
            assert path in doc, f"errors.py: say that {name} lives in {path}"
