"""The draft layer: a Markdown draft as a document with a section tree
(:mod:`reviewtool.draft.document`), its history through renames
(:mod:`reviewtool.draft.history`), and per-version statistics and their cache."""
