"""The ``publisher`` subcommands, one module each; :mod:`publisher.cli` lists them."""
