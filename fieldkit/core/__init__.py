"""The kit's core: no UI, no textual. Pure model/fold/coverage plus the file formats and store."""
