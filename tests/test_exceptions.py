"""The error tree: one root, fitting built-ins, data on the errors."""

from __future__ import annotations

import pytest

from servicemodel import exceptions
from servicemodel.exceptions import (
    CalendarError,
    DocumentError,
    EmptySampleError,
    LedgerError,
    PolicyDocumentError,
    Problem,
    RecordError,
    ServiceModelError,
    ValidationError,
)


@pytest.mark.parametrize("name", exceptions.__all__)
def test_every_error_is_under_the_one_root(name: str) -> None:
    obj = getattr(exceptions, name)
    if isinstance(obj, type) and issubclass(obj, BaseException):
        assert issubclass(obj, ServiceModelError)
        assert name in (exceptions.__doc__ or ""), f"{name} missing from the drawn tree"


@pytest.mark.parametrize(
    "cls", [ValidationError, RecordError, EmptySampleError, CalendarError, DocumentError]
)
def test_value_errors_are_value_errors(cls: type[Exception]) -> None:
    assert issubclass(cls, ValueError)


def test_ledger_error_is_not_a_value_error() -> None:
    assert not issubclass(LedgerError, ValueError)


def test_policy_document_error_lists_every_problem() -> None:
    problems = [
        Problem("policies[2].targets.urgent.first_reply", "must be positive (got '0m')"),
        Problem("policies[3].name", "must be unique (got 'vip')"),
    ]
    err = PolicyDocumentError(problems)
    assert err.problems == tuple(problems)
    text = str(err)
    assert text.startswith("2 problems in policy document:")
    assert "policies[2].targets.urgent.first_reply: must be positive" in text
    assert "policies[3].name: must be unique" in text


def test_record_error_carries_line_field_and_value() -> None:
    err = RecordError("line 4: bad", line=4, field="channel", value="fax")
    assert (err.line, err.field, err.value) == (4, "channel", "fax")
