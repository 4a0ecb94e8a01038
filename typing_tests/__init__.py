"""Static typing checks of servicemodel's entry points, run by ``mypy --strict``.

The modules here are never executed by the test suite: mypy checks that each
``assert_type`` holds and that each line marked ``# type: ignore[<code>]``
really is an error. With ``warn_unused_ignores`` a negative check whose
error disappears (a type loosened to ``Any``, say) fails the run.
"""
