"""The diff layer: word diff, section matching and alignment, section diff, outline
coverage and section history. Pure functions over :mod:`reviewtool.draft` documents."""
