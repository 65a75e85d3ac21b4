"""`python -m pickup_net.cli`: the same command line as the `pickup-net` script."""

from pickup_net.cli import app

if __name__ == "__main__":  # spawned worker processes re-import this module as `__mp_main__`
    app()
