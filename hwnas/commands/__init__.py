"""One module per ``hwnas`` subcommand; see :mod:`hwnas.cli`."""
