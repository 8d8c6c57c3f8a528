"""Building a release folder from the corpus (views, features, the NER view, manifest, card, Croissant), verifying it and restoring withheld texts."""
