"""The review layer: review events and their codec, folding events into threads, the
store on the notes ref, quote search and re-anchoring, suggestions, sync and export."""
