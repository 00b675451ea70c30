"""Pure computations on frames (no file or network access)."""
