"""warmgrid: civil-protection analysis of coupled power and heat networks."""

__version__ = "0.1.0"
