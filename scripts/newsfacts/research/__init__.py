"""What researchers do with the corpus: scoring systems and agreement, statistics, rendering, drafting suggestions."""
