"""Exchange with annotation tools and other formats: brat, Label Studio, CoNLL."""
