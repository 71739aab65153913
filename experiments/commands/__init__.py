"""Sub-commands of ``yingji``, one module each with a ``register(subparsers)``."""
