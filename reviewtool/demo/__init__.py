"""The bundled demo: ten versions of the seed essay replayed into a fresh repository,
with sample review threads (:mod:`reviewtool.demo.builder`). Sits beside the CLI."""
