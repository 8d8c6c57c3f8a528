"""The format's contract: the JSON Schema, issue codes and reports, reading documents, and the layered validator."""
