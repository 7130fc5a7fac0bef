"""politiradet-arkiv: static site generator for the public archive of Politirådet i Oslo."""

__version__ = "0.1.0"
