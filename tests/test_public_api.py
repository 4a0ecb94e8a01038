"""The public surface: what every public ``__all__`` exports, and how.

* every ``__all__`` is sorted and names real objects;
* exported attrs value classes are frozen and slotted;
* every public callable has a docstring with a ``>>>`` example: every function
  and class in a public ``__all__``, and every public method, property,
  classmethod and staticmethod those classes carry from servicemodel code
  (defined on the class or on a servicemodel base class, public or private;
  dunder methods and members inherited from ``object``, attrs, ``enum``,
  ``typing`` or the standard library are not ours and not checked);
* nothing private leaks through ``__all__``: no ``_private`` name is exported,
  every exported object is exported by its public home (the package of the
  private module it is defined in), and no public annotation (the parameters
  and return of every public function, method and property, and the public
  fields of exported classes) names a servicemodel class that no public
  ``__all__`` exports.
"""

from __future__ import annotations

import collections.abc
import importlib
import inspect
import pkgutil
import types
import typing
from collections.abc import Callable, Iterator

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

#: Every module of the package, private ones included (``__main__`` runs the CLI).
ALL_MODULES = sorted(
    {"servicemodel"}
    | {
        info.name
        for info in pkgutil.walk_packages(servicemodel.__path__, "servicemodel.")
        if info.name.rsplit(".", 1)[-1] != "__main__"
    }
)


def _exports() -> Iterator[tuple[str, str, object]]:
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            yield module_name, name, getattr(module, name)


def _ours(obj: object) -> bool:
    return getattr(obj, "__module__", "").partition(".")[0] == "servicemodel"


def _public_home(module_name: str) -> str:
    """The public package a module belongs to: its name up to the first ``_part``."""
    parts = module_name.split(".")
    private = next((i for i, part in enumerate(parts) if part.startswith("_")), len(parts))
    return ".".join(parts[:private])


def _members(cls: type) -> Iterator[tuple[str, Callable[..., object]]]:
    """Public methods and properties *cls* carries from servicemodel code."""
    for name in sorted({name for base in cls.__mro__ for name in vars(base)}):
        if name.startswith("_"):
            continue
        owner = next(base for base in cls.__mro__ if name in vars(base))
        if not _ours(owner):
            continue
        raw = vars(owner)[name]
        if isinstance(raw, staticmethod | classmethod):
            raw = raw.__func__
        elif isinstance(raw, property):
            raw = raw.fget
        if inspect.isfunction(raw):
            yield name, raw


def _documented_callables() -> Iterator[tuple[str, object]]:
    seen: set[int] = set()
    for module_name, name, obj in _exports():
        if id(obj) in seen or not (inspect.isclass(obj) or inspect.isroutine(obj)):
            continue
        seen.add(id(obj))
        yield f"{module_name}.{name}", obj
        if inspect.isclass(obj):
            for member, function in _members(obj):
                if id(function) not in seen:
                    seen.add(id(function))
                    yield f"{module_name}.{name}.{member}", function


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
def test_public_modules_are_documented(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert module.__doc__, f"{module_name} has no docstring"


def test_every_public_callable_has_an_example() -> None:
    checked = list(_documented_callables())
    # Guard against the walk silently finding nothing (e.g. a broken _members).
    assert len(checked) > 300
    missing = [name for name, obj in checked if ">>>" not in (inspect.getdoc(obj) or "")]
    assert not missing, f"{len(missing)} public callables have no >>> example: {missing}"


def test_exports_are_callables_type_aliases_or_constants() -> None:
    """Anything callable that is exported is a class or a function (and so checked above)."""
    for module_name, name, obj in _exports():
        if inspect.isclass(obj) or inspect.isroutine(obj):
            continue
        alias = typing.get_origin(obj) is not None or isinstance(obj, types.UnionType)
        assert alias or not callable(obj), f"{module_name}.{name} is an unchecked callable"


def test_no_type_name_is_exported_with_two_meanings() -> None:
    """A class (or enum, or type alias) name means one thing across the whole surface.

    ``team.QaReview`` is not ``feedback.Review``; ``loyalty.CalendarPeriod``
    is not ``kpi.Period``; ``team.Improvement`` is not ``goals.Direction``.
    The same object re-exported (``servicemodel.Interaction``) is one meaning.
    """
    meanings: dict[str, dict[int, str]] = {}
    for module_name, name, obj in _exports():
        alias = typing.get_origin(obj) is not None or isinstance(obj, types.UnionType)
        if inspect.isclass(obj) or alias:
            meanings.setdefault(name, {}).setdefault(id(obj), module_name)
    clashes = {name: sorted(homes.values()) for name, homes in meanings.items() if len(homes) > 1}
    assert clashes == {}


def test_no_private_names_are_exported() -> None:
    """``_name`` never appears in ``__all__``; dunder metadata (``__version__``) may."""
    for module_name, name, _ in _exports():
        dunder = name.startswith("__") and name.endswith("__")
        assert dunder or not name.startswith("_"), f"{module_name}.__all__ exports {name!r}"


def test_exports_are_exported_by_their_public_home() -> None:
    exporters: dict[int, set[str]] = {}
    objects: dict[int, object] = {}
    for module_name, _, obj in _exports():
        if inspect.isclass(obj) or inspect.isroutine(obj):
            exporters.setdefault(id(obj), set()).add(module_name)
            objects[id(obj)] = obj
    assert len(objects) > 300
    for key, obj in objects.items():
        where = exporters[key]
        defined_in = getattr(obj, "__module__", "")
        label = f"{defined_in}.{getattr(obj, '__qualname__', obj)} (exported by {sorted(where)})"
        assert _ours(obj), f"{label} is not servicemodel's to export"
        home = _public_home(defined_in)
        if home == defined_in:
            # Defined in a public module: that module exports it itself.
            assert obj.__name__ in importlib.import_module(home).__all__, label  # type: ignore[attr-defined]
        else:
            # Defined in a private module: its package exports it, or every
            # exporter lives inside that package.
            assert home in where or all(e.startswith(home + ".") for e in where), label


def _namespace() -> dict[str, object]:
    """Names that annotations under ``TYPE_CHECKING`` may use, for get_type_hints."""
    namespace: dict[str, object] = {}
    namespace.update({name: getattr(typing, name) for name in typing.__all__})
    namespace.update({name: getattr(collections.abc, name) for name in collections.abc.__all__})
    for optional, alias in (
        ("numpy", "np"),
        ("numpy.typing", "npt"),
        ("hypothesis.strategies", "st"),
    ):
        namespace[alias] = importlib.import_module(optional)
    for module_name in ALL_MODULES:
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if inspect.isclass(value) and value.__module__ == module_name:
                namespace.setdefault(name, value)
    return namespace


def _classes_in(annotation: object) -> Iterator[type]:
    if isinstance(annotation, type) and typing.get_origin(annotation) is None:
        yield annotation
        return
    origin = typing.get_origin(annotation)
    if isinstance(origin, type):
        yield origin
    for argument in typing.get_args(annotation):
        for item in argument if isinstance(argument, list) else [argument]:
            yield from _classes_in(item)


def _qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _annotated() -> Iterator[tuple[str, object]]:
    """Every public annotated thing: functions, methods, properties, public fields."""
    seen: set[int] = set()
    for module_name, name, obj in _exports():
        if id(obj) in seen or not _ours(obj):
            continue
        seen.add(id(obj))
        label = f"{module_name}.{name}"
        if inspect.isroutine(obj):
            yield label, obj
        elif inspect.isclass(obj):
            yield label, obj
            for member, function in _members(obj):
                yield f"{label}.{member}", function


def test_public_annotations_name_only_exported_classes() -> None:
    # By qualified name, not identity: a doctest run may import a private module twice.
    exported = {_qualified(obj) for _, _, obj in _exports() if inspect.isclass(obj)}
    namespace = _namespace()
    leaks: dict[str, list[str]] = {}
    count = 0
    for label, obj in _annotated():
        hints = typing.get_type_hints(obj, localns=namespace)
        for field, annotation in hints.items():
            if field.startswith("_"):
                continue  # private attrs fields: implementation state
            count += 1
            for cls in _classes_in(annotation):
                if _ours(cls) and _qualified(cls) not in exported:
                    leaks.setdefault(_qualified(cls), []).append(f"{label}: {field}")
    assert count > 1000
    assert not leaks, f"private types in public annotations: {leaks}"
