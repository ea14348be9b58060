"""Dataset step for monthly returns (filled below)."""
