"""Alignment Workbench core: pure, Streamlit-free, usable from tests and the command line."""

__version__ = "0.1.0"
