"""Sub-commands of the ``servicemodel`` command, one module each.

Each module defines ``register(subparsers)``, which adds its sub-command with
``set_defaults(run=...)``; ``run(args) -> int`` returns the exit status.
"""
