"""Working on the corpus itself: turning raw articles into records to annotate."""
