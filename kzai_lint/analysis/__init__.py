"""Static analysis of Python modules shared by rules and guard analysis."""
