"""Every public ``__all__`` names real objects; exported value classes are frozen and slotted."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import attrs
import pytest

import servicemodel

PUBLIC_MODULES = sorted(
    {"servicemodel"}
    | {
        info.name
        for info in pkgutil.walk_packages(servicemodel.__path__, "servicemodel.")
        if not any(part.startswith("_") for part in info.name.split("."))
    }
)


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_all_names_exist_and_are_sorted(module_name: str) -> None:
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None)
    assert names is not None, f"{module_name} has no __all__"
    assert list(names) == sorted(names), f"{module_name}.__all__ is not sorted"
    for name in names:
        assert hasattr(module, name), f"{module_name}.__all__ names missing {name!r}"


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_exported_attrs_classes_are_frozen_and_slotted(module_name: str) -> None:
    module = importlib.import_module(module_name)
    for name in module.__all__:
        obj = getattr(module, name)
        if not (inspect.isclass(obj) and attrs.has(obj)):
            continue
        assert "__slots__" in obj.__dict__, f"{module_name}.{name} is not slotted"
        fields = attrs.fields(obj)
        if fields:
            blank = object.__new__(obj)
            with pytest.raises(attrs.exceptions.FrozenInstanceError):
                setattr(blank, fields[0].name, None)


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_public_names_are_documented(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert module.__doc__, f"{module_name} has no docstring"
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), f"{module_name}.{name} has no docstring"
