"""Sub-commands of the ``servicemodel`` command, one module each.

Each module defines ``register(subparsers)``, which adds its sub-command with
``set_defaults(run=...)``; ``run(args) -> int`` returns the exit status or raises.
:func:`servicemodel.cli.main` turns what it raises into one message and the
status of the shared table (``_common.EXIT_STATUS_HELP``): ``CommandError``
carries its own status, other ``ServiceModelError`` is 1 (invalid input),
``OSError`` 3, a closed output pipe ends quietly with 0. Pass
``epilog=EXIT_STATUS_HELP`` to ``add_parser`` so ``--help`` shows the table.
"""
