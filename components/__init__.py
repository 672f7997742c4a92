"""Reusable Streamlit pieces. Pages import these and ``alignment``; never the reverse."""
