"""One module per command; importing a module registers its commands on ``newsfacts.cli.app.app``."""
