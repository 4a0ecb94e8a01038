"""The house's layers (docs/explanation/layers.md): imports point down, never up.

The test reads the source of every module under ``src/servicemodel`` (imports
inside functions and under ``TYPE_CHECKING`` included: a dependency is a
dependency) and checks three rules:

1. *layers*: a module imports only from its own layer or a lower one;
2. *uses*: where the design names what a package uses, it uses nothing else
   (``loyalty`` uses layer 1 only, so points and ledgers know nothing of
   tickets; ``sla`` uses layers 1-2; ``kpi`` layers 1-2 and ``sla``;
   ``goals`` layers 1-2 and ``kpi``; ``team`` layers 1-2, ``kpi``, ``sla``
   and ``loyalty`` for paying recognition out through a ledger);
3. *privacy*: a private module or name (``pkg._x``) is imported only from
   inside the package that holds it (``pkg`` or below). The root package's
   private modules (``servicemodel._time``, ``servicemodel._validators``) are
   the house's shared core, so every module may import them; so are its two
   private groups, ``servicemodel._log`` (the event log's parts, layer 2) and
   ``servicemodel._model`` (the model layer's parts, layer 5), whose layer
   still bounds who may import them.

The root folder shows the layers: besides the packages it holds the public
faces, the shared core and the two private groups, and nothing else
(:func:`test_the_root_folder_shows_the_layers`).

A module the table does not place is reported too, so a new module has to
be given a layer before it can be imported.
"""

from __future__ import annotations

import ast
import pathlib
from collections.abc import Iterator, Mapping

import pytest

ROOT = "servicemodel"
SOURCE = pathlib.Path(__file__).resolve().parents[1] / "src" / ROOT

#: Layers, lowest first, by module prefix (the longest matching prefix wins).
LAYERS: Mapping[str, int] = {
    # 1: errors, the time and document layer, validators
    "servicemodel.exceptions": 1,
    "servicemodel._time": 1,
    "servicemodel._zones": 1,
    "servicemodel._documents": 1,
    "servicemodel._structure": 1,  # the document layer's cattrs half
    "servicemodel._validators": 1,
    "servicemodel._core": 1,
    "servicemodel._version": 1,
    "servicemodel._display": 1,  # how values are shown: goals (4) and the report (5) share it
    # 2: the domain's facts (the root package re-exports these core types)
    "servicemodel": 2,
    "servicemodel.interactions": 2,
    "servicemodel._log": 2,  # the event log: enums, events, log rules, opening rule, histories
    "servicemodel.feedback": 2,
    "servicemodel.customers": 2,
    # 3
    "servicemodel.sla": 3,
    "servicemodel.loyalty": 3,
    # 4
    "servicemodel.kpi": 4,
    "servicemodel.goals": 4,
    "servicemodel.team": 4,
    # 5: the model group: ServiceModel, assess() and its rendering
    "servicemodel.model": 5,
    "servicemodel._model": 5,  # the service model, follow-up, the assessment and its rendering
    # 6: edges, which nothing below imports
    "servicemodel.io": 6,
    "servicemodel.loyalty.store": 6,
    "servicemodel.samples": 6,
    "servicemodel.testing": 6,
    "servicemodel.cli": 6,
    "servicemodel._cli": 6,
    "servicemodel.__main__": 6,
}

#: What a package may use besides itself, where the design says so.
USES: Mapping[str, frozenset[str]] = {
    "servicemodel.loyalty": frozenset({"layer 1"}),
    "servicemodel.sla": frozenset({"layer 1", "layer 2"}),
    "servicemodel.kpi": frozenset({"layer 1", "layer 2", "servicemodel.sla"}),
    "servicemodel.goals": frozenset({"layer 1", "layer 2", "servicemodel.kpi"}),
    "servicemodel.team": frozenset(
        {"layer 1", "layer 2", "servicemodel.kpi", "servicemodel.sla", "servicemodel.loyalty"}
    ),
}


def _placed(module: str, table: Mapping[str, object]) -> str | None:
    """The longest prefix of *module* (by whole components) that *table* names.

    The root names only itself: every module directly under it is placed by name.
    """
    parts = module.split(".")
    for end in range(len(parts), 1 if len(parts) > 1 else 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in table:
            return prefix
    return None


def _package_of(module: str, modules: Mapping[str, str]) -> str:
    """The package a module's relative imports start from."""
    return module if modules[module] == "package" else module.rsplit(".", 1)[0]


def _imports(module: str, source: str, modules: Mapping[str, str]) -> Iterator[tuple[int, str]]:
    """(line, imported thing) for every servicemodel import in *source*.

    The thing is a module name, or ``module.name`` for a name imported from
    a module (``from .kpi import Fcr`` gives ``servicemodel.kpi.Fcr``; a name
    that is a submodule gives the submodule).
    """
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == ROOT or alias.name.startswith(ROOT + "."):
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package_of(module, modules).split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target != ROOT and not target.startswith(ROOT + "."):
                continue
            for alias in node.names:
                yield node.lineno, f"{target}.{alias.name}" if alias.name != "*" else target


def _module_of(thing: str, modules: Mapping[str, str]) -> str:
    """The module an imported thing lives in (itself when it is a module)."""
    while thing not in modules and "." in thing:
        thing = thing.rsplit(".", 1)[0]
    return thing


def _private_owner(thing: str) -> str | None:
    """The package that owns the first private component of *thing* (None: all public)."""
    parts = thing.split(".")
    for index, part in enumerate(parts):
        if part.startswith("_") and not (part.startswith("__") and part.endswith("__")):
            return ".".join(parts[:index])
    return None


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def violations(sources: Mapping[str, str], kinds: Mapping[str, str]) -> list[str]:
    """Every breach of the three rules in *sources* (module name -> source text).

    *kinds* says which module names are packages (``"package"``) or plain
    modules (``"module"``); it must hold every name in *sources*.
    """
    found: list[str] = []
    for module in sorted(sources):
        home = _placed(module, LAYERS)
        if home is None:
            found.append(f"{module}: not placed in a layer")
            continue
        layer = LAYERS[home]
        uses = USES.get(home)
        for line, thing in _imports(module, sources[module], kinds):
            where = f"{module}:{line} imports {thing}"
            target = _module_of(thing, kinds)
            owner = _private_owner(thing)
            if owner is not None and not _inside(module, owner):
                found.append(f"{where}: a private part of {owner}")
            target_home = _placed(target, LAYERS)
            if target_home is None:
                found.append(f"{where}: {target} is not placed in a layer")
                continue
            target_layer = LAYERS[target_home]
            if target_home == home:
                continue
            if target_layer > layer:
                found.append(f"{where}: layer {layer} must not import layer {target_layer}")
            elif uses is not None and not {f"layer {target_layer}", target_home} & uses:
                found.append(f"{where}: {home} uses only {', '.join(sorted(uses))}")
    return found


def _tree(root: pathlib.Path) -> tuple[dict[str, str], dict[str, str]]:
    sources: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            name, kind = ".".join((ROOT, *parts[:-1])), "package"
        else:
            name, kind = ".".join((ROOT, *parts)), "module"
        sources[name] = path.read_text(encoding="utf-8")
        kinds[name] = kind
    return sources, kinds


def test_the_source_tree_keeps_the_layers() -> None:
    sources, kinds = _tree(SOURCE)
    assert len(sources) > 50
    assert violations(sources, kinds) == []


#: What the root folder may hold: per layer, its modules and packages (by file or folder name).
ROOT_ENTRIES: Mapping[str, int] = {
    "__init__.py": 2,
    "exceptions.py": 1,
    "_time.py": 1,
    "_zones.py": 1,
    "_documents.py": 1,
    "_structure.py": 1,
    "_validators.py": 1,
    "_display.py": 1,
    "_version.py": 1,
    "interactions.py": 2,
    "feedback.py": 2,
    "customers.py": 2,
    "_log": 2,
    "sla": 3,
    "loyalty": 3,
    "kpi": 4,
    "goals": 4,
    "team": 4,
    "model.py": 5,
    "_model": 5,
    "io": 6,
    "samples": 6,
    "testing": 6,
    "cli.py": 6,
    "_cli": 6,
    "__main__.py": 6,
}


def test_the_root_folder_shows_the_layers() -> None:
    """Each entry of the root folder is a layer's public face, the shared core or a layer's group."""
    entries = {
        path.name
        for path in SOURCE.iterdir()
        if path.suffix == ".py" or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert entries == set(ROOT_ENTRIES)
    for entry, layer in ROOT_ENTRIES.items():
        module = ROOT if entry == "__init__.py" else f"{ROOT}.{entry.removesuffix('.py')}"
        assert LAYERS[_placed(module, LAYERS) or ""] == layer, entry


# ----------------------------------------------------------- the checker itself

KINDS = {
    "servicemodel": "package",
    "servicemodel._time": "module",
    "servicemodel.interactions": "module",
    "servicemodel.sla": "package",
    "servicemodel.sla._calendar": "module",
    "servicemodel.kpi": "package",
    "servicemodel.kpi._catalogue": "module",
    "servicemodel.loyalty": "package",
    "servicemodel.loyalty._ledger": "module",
    "servicemodel.loyalty.store": "package",
    "servicemodel.loyalty.store._sqlite": "module",
    "servicemodel.team": "package",
    "servicemodel.team._recognition": "module",
    "servicemodel.io": "package",
    "servicemodel.model": "module",
    "servicemodel._log": "package",
    "servicemodel._log._events": "module",
    "servicemodel._model": "package",
    "servicemodel._model._assessment": "package",
    "servicemodel._model._report_render": "module",
}


def check(**sources: str) -> list[str]:
    """Violations of a synthetic tree: the keyword is the module name with '__' for '.'."""
    named = {key.replace("__", "."): text for key, text in sources.items()}
    return violations(named, KINDS)


def test_a_clean_synthetic_tree_has_no_violations() -> None:
    assert (
        check(
            servicemodel__sla___calendar="from .._time import to_micros\nfrom ..interactions import Status\n",
            servicemodel__kpi___catalogue="from ..sla import BusinessCalendar\nfrom . import _catalogue\n",
            servicemodel__team___recognition="from ..loyalty import Ledger\nfrom ..kpi import Fcr\n",
            servicemodel__model="import servicemodel.team\nfrom servicemodel import interactions\n",
        )
        == []
    )


def test_an_upward_import_at_module_level_is_reported() -> None:
    assert check(servicemodel__interactions="import os\nfrom .kpi import Fcr\n") == [
        "servicemodel.interactions:2 imports servicemodel.kpi.Fcr: layer 2 must not import layer 4"
    ]


def test_an_upward_import_inside_a_function_is_reported() -> None:
    source = "def f():\n    from ..model import assess\n    return assess\n"
    assert check(servicemodel__sla___calendar=source) == [
        "servicemodel.sla._calendar:2 imports servicemodel.model.assess: "
        "layer 3 must not import layer 5"
    ]


def test_the_private_groups_keep_their_layers() -> None:
    # the event log's parts are layer 2, the model layer's parts layer 5, wherever they are asked from
    assert check(
        servicemodel___log___events="from .._model._report_render import render_text\n",
        servicemodel__kpi___catalogue="from .._model import _assessment\n",
        servicemodel___model___report_render="from .._log._events import Message\n",
        servicemodel__model="from ._model._assessment import assess\n",
    ) == [
        "servicemodel._log._events:1 imports servicemodel._model._report_render.render_text: "
        "layer 2 must not import layer 5",
        "servicemodel.kpi._catalogue:1 imports servicemodel._model._assessment: "
        "layer 4 must not import layer 5",
    ]


def test_an_absolute_import_of_an_edge_is_reported() -> None:
    assert check(servicemodel__kpi___catalogue="import servicemodel.io\n") == [
        "servicemodel.kpi._catalogue:1 imports servicemodel.io: layer 4 must not import layer 6"
    ]


def test_loyalty_must_not_know_tickets() -> None:
    # sideways in layer 3 would pass the layer rule; the design says loyalty uses layer 1 only
    assert check(
        servicemodel__loyalty___ledger="from ..interactions import Interaction\nfrom ..sla import x\n"
    ) == [
        "servicemodel.loyalty._ledger:1 imports servicemodel.interactions.Interaction: "
        "servicemodel.loyalty uses only layer 1",
        "servicemodel.loyalty._ledger:2 imports servicemodel.sla.x: "
        "servicemodel.loyalty uses only layer 1",
    ]


def test_kpi_must_not_import_team_sideways() -> None:
    assert check(servicemodel__kpi___catalogue="from ..team import QaScore\n") == [
        "servicemodel.kpi._catalogue:1 imports servicemodel.team.QaScore: "
        "servicemodel.kpi uses only layer 1, layer 2, servicemodel.sla"
    ]


@pytest.mark.parametrize(
    "source",
    [
        "from ..kpi._catalogue import Fcr\n",
        "from ..kpi import _catalogue\n",
        "import servicemodel.kpi._catalogue\n",
        "from ..kpi import _private_name\n",
    ],
)
def test_another_packages_private_module_is_reported(source: str) -> None:
    (problem,) = check(servicemodel__team___recognition=source)
    assert problem.endswith(": a private part of servicemodel.kpi")


def test_privacy_allows_the_own_package_its_subpackages_and_the_root_core() -> None:
    assert (
        check(
            servicemodel__loyalty__store___sqlite="from .._ledger import Ledger\n",
            servicemodel__kpi___catalogue="from .._time import to_micros\n",
        )
        == []
    )


def test_a_module_without_a_layer_is_reported() -> None:
    kinds = {**KINDS, "servicemodel._new": "module"}
    assert violations({"servicemodel._new": ""}, kinds) == [
        "servicemodel._new: not placed in a layer"
    ]
    assert violations({"servicemodel.model": "from . import _new\n"}, kinds) == [
        "servicemodel.model:1 imports servicemodel._new: servicemodel._new is not placed in a layer"
    ]
