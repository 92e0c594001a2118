"""The report stage: figures, the self-contained HTML report, tables and run comparison."""
